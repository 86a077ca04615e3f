using System.Text;
using System.Text.Json;

namespace Server.Tools;

/// <summary>Re-serialises a JSON value without insignificant whitespace (tool-call <c>arguments</c> text).</summary>
public static class CompactJson
{
    public static string Of(JsonElement value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            value.WriteTo(writer);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
