using System.Text.Json;
using Server.Errors;
using Server.Generation;
using Server.Keys;

namespace Server.Requests;

/// <summary>
/// The first steps every model request shares: read the body, merge the key's overrides (api.md §11.1),
/// pick and access-check the model. Validation errors of overridden fields say so.
/// </summary>
public sealed class RequestPreamble : IDisposable
{
    private RequestPreamble(JsonDocument body, CallerIdentity? caller, ServedModel model, IReadOnlySet<string> overridden)
    {
        Document = body;
        Caller = caller;
        Model = model;
        Overridden = overridden;
    }

    private JsonDocument Document { get; }

    public JsonElement Body => Document.RootElement;

    public CallerIdentity? Caller { get; }

    public ServedModel Model { get; }

    /// <summary>Top-level fields whose value came from the key's overrides.</summary>
    public IReadOnlySet<string> Overridden { get; }

    /// <param name="tokenizeOnly">For tokenize/detokenize: model optional, only <c>multi_models</c> overridable.</param>
    public static async Task<RequestPreamble> ReadAsync(HttpContext http, ModelSelection models, bool tokenizeOnly)
    {
        var document = await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        var caller = CallerAccess.Get(http);
        IReadOnlySet<string> overridden = new HashSet<string>();
        if (caller is not null)
            document = caller.Overrides.Apply(document, tokenizeOnly, out overridden);
        try
        {
            var model = models.Select(document.RootElement, caller, tokenizeOnly);
            return new RequestPreamble(document, caller, model, overridden);
        }
        catch (RequestValidationException e)
        {
            document.Dispose();
            throw KeyOverrides.Explain(e, overridden);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="parse"/>, rewriting errors about overridden fields.</summary>
    public T Validate<T>(Func<JsonElement, T> parse)
    {
        try
        {
            return parse(Body);
        }
        catch (RequestValidationException e)
        {
            throw KeyOverrides.Explain(e, Overridden);
        }
    }

    public void Dispose() => Document.Dispose();
}
