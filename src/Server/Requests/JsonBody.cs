using System.Text.Json;
using Server.Errors;

namespace Server.Requests;

/// <summary>
/// Reads a request body as a JSON object whatever the Content-Type says (api.md §1). Kestrel enforces the
/// size limit while we read (413); malformed JSON and invalid UTF-8 become a 400 naming the position.
/// </summary>
public static class JsonBody
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    public static async Task<JsonDocument> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, Options, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            // The reader's message carries line and byte position, and names invalid UTF-8 as such.
            throw new RequestValidationException(null, $"Invalid JSON body: {e.Message}");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new RequestValidationException(null, $"Request body must be a JSON object, got {JsonFields.KindName(kind)}.");
        }
        return document;
    }
}
