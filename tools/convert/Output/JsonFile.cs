using System.Text.Encodings.Web;
using System.Text.Json;

namespace ConvertTool.Output;

/// <summary>Writes the small JSON files of a Hugging Face directory, indented with two spaces as HF writes them.</summary>
internal static class JsonFile
{
    public static void Write(string path, Action<Utf8JsonWriter> body)
    {
        using var stream = File.Create(path);
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
    }
}
