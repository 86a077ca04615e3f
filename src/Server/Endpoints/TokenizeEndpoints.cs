using Server.Contracts;
using Server.Errors;
using Server.Generation;
using Server.Requests;

namespace Server.Endpoints;

/// <summary><c>POST /v1/tokenize</c> and <c>/v1/detokenize</c> with their vllm aliases (api.md §9); not rate-limited.</summary>
public static class TokenizeEndpoints
{
    public static IEndpointRouteBuilder MapTokenize(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in (ReadOnlySpan<string>)["/v1", ""])
        {
            app.MapPost(prefix + "/tokenize", TokenizeAsync);
            app.MapPost(prefix + "/detokenize", DetokenizeAsync);
        }
        return app;
    }

    private static async Task<IResult> TokenizeAsync(HttpContext http, IModelHost host, ModelSelection models)
    {
        using var preamble = await RequestPreamble.ReadAsync(http, models, tokenizeOnly: true).ConfigureAwait(false);
        var (body, model) = (preamble.Body, preamble.Model);
        IReadOnlyList<int> ids;
        bool addSpecialTokens;
        if (JsonFields.Has(body, "messages"))
        {
            // The chat form counts the rendered template, generation prompt included (api.md §9.1).
            var render = ChatFields.Parse(body);
            var text = ChatFields.Render(host, model, render);
            addSpecialTokens = JsonFields.Bool(body, "add_special_tokens") ?? false;
            ids = host.TokenizeChat(model.Id, render, text, addSpecialTokens);
        }
        else
        {
            var prompt = JsonFields.String(body, "prompt")
                ?? throw new RequestValidationException("prompt", "prompt (a string) or messages is required.");
            // vllm's default (true) where completions default to false (aph-0.6, api.md §14 D2): the response
            // says which was applied, so a count with a BOS the completion would not bill is explained
            addSpecialTokens = JsonFields.Bool(body, "add_special_tokens") ?? true;
            ids = host.Tokenize(model.Id, prompt, addSpecialTokens);
        }
        string[]? strs = null;
        if (JsonFields.Bool(body, "return_token_strs") == true)
        {
            strs = new string[ids.Count];
            for (var i = 0; i < strs.Length; i++) strs[i] = host.TokenText(model.Id, ids[i]);
        }
        return TypedResults.Json(new TokenizeResponse(ids.Count, model.MaxModelLen, ids, strs, addSpecialTokens), ServerJsonContext.Relaxed.TokenizeResponse);
    }

    private static async Task<IResult> DetokenizeAsync(HttpContext http, IModelHost host, ModelSelection models)
    {
        using var preamble = await RequestPreamble.ReadAsync(http, models, tokenizeOnly: true).ConfigureAwait(false);
        var model = preamble.Model;
        var ids = RequestValidation.CheckIds(preamble.Body, "tokens", model.VocabSize)
            ?? throw new RequestValidationException("tokens", "tokens (a list of token ids) is required.");
        var text = host.Detokenize(model.Id, ids, skipSpecialTokens: false);
        return TypedResults.Json(new DetokenizeResponse(text), ServerJsonContext.Relaxed.DetokenizeResponse);
    }
}
