using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Server.Errors;

namespace Server.Requests;

/// <summary>
/// Reads a request body as a JSON object whatever the Content-Type says (api.md §1). Kestrel enforces the
/// size limit while we read (413); invalid UTF-8 and malformed JSON become a 400 naming the position.
/// </summary>
public static class JsonBody
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    public static async Task<JsonDocument> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream(request.ContentLength is long n and > 0 and < 1 << 20 ? (int)n : 4096);
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    /// <summary>Parses <paramref name="utf8"/> (kept alive by the returned document); the root must be an object.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8)
    {
        // The JSON reader validates structure but leaves string contents to GetString(), which would throw
        // later; check the encoding of the whole body up front.
        if (!Utf8.IsValid(utf8.Span))
            throw new RequestValidationException(null, $"Request body is not valid UTF-8 (first invalid byte at offset {FirstInvalidByte(utf8.Span)}).");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException e)
        {
            // The reader's message carries line and byte position.
            throw new RequestValidationException(null, $"Invalid JSON body: {e.Message}");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new RequestValidationException(null, $"Request body must be a JSON object, got {JsonFields.KindName(kind)}.");
        }
        try
        {
            JsonBodyCheck.Check(document.RootElement);
        }
        catch
        {
            document.Dispose();
            throw;
        }
        return document;
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        var offset = 0;
        while (offset < utf8.Length)
        {
            if (Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done) return offset;
            offset += consumed;
        }
        return offset;
    }
}
