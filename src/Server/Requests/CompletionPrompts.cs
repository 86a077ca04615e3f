using System.Text.Json;
using Server.Errors;
using Server.Generation;

namespace Server.Requests;

/// <summary>
/// The prompt forms of <c>/v1/completions</c> (api.md §6.2): a string, a list of strings, a list of ids,
/// or a list of id lists; Friendli's <c>tokens</c> is one id prompt. Exactly one of prompt/tokens.
/// </summary>
public static class CompletionPrompts
{
    public static IReadOnlyList<TokenizedPrompt> Parse(JsonElement body, IModelHost host, ServedModel model, GenerationFields fields)
    {
        var hasPrompt = JsonFields.TryGet(body, "prompt", out var prompt);
        var hasTokens = JsonFields.TryGet(body, "tokens", out var tokens);
        if (hasPrompt == hasTokens)
            throw new RequestValidationException("prompt", "Exactly one of prompt and tokens is required.");
        if (hasTokens)
            return [FromIds(host, model, JsonFields.AsIntList(tokens, "tokens"), "tokens", fields)];

        switch (prompt.ValueKind)
        {
            case JsonValueKind.String:
                return [FromText(host, model, prompt.GetString()!, "prompt", fields)];
            case JsonValueKind.Array when prompt.GetArrayLength() == 0:
                throw new RequestValidationException("prompt", "prompt must not be an empty list.");
            case JsonValueKind.Array:
                var first = prompt[0].ValueKind;
                if (first == JsonValueKind.Number)
                    return [FromIds(host, model, JsonFields.AsIntList(prompt, "prompt"), "prompt", fields)];
                var prompts = new List<TokenizedPrompt>(prompt.GetArrayLength());
                foreach (var item in prompt.EnumerateArray())
                {
                    var name = $"prompt[{prompts.Count}]";
                    prompts.Add(item.ValueKind switch
                    {
                        JsonValueKind.String when first == JsonValueKind.String => FromText(host, model, item.GetString()!, name, fields),
                        JsonValueKind.Array when first == JsonValueKind.Array => FromIds(host, model, JsonFields.AsIntList(item, name), name, fields),
                        _ => throw new RequestValidationException("prompt",
                            $"{name}: prompt must be a string, a list of strings, a list of token ids or a list of token-id lists (no mixing)."),
                    });
                }
                return prompts;
            default:
                throw JsonFields.TypeError("prompt", "a string or a list", prompt);
        }
    }

    private static TokenizedPrompt FromText(IModelHost host, ServedModel model, string text, string name, GenerationFields fields)
    {
        var ids = host.Tokenize(model.Id, text, fields.AddSpecialTokens);
        return Finish(host, model, text, ids, name, fields, textKnown: true);
    }

    private static TokenizedPrompt FromIds(IModelHost host, ServedModel model, int[] ids, string name, GenerationFields fields)
    {
        for (var i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)model.VocabSize)
                throw new RequestValidationException(name, $"{name}[{i}] must be a token id in [0, {model.VocabSize}), got {ids[i]}.");
        return Finish(host, model, string.Empty, ids, name, fields, textKnown: false);
    }

    private static TokenizedPrompt Finish(
        IModelHost host, ServedModel model, string text, IReadOnlyList<int> ids, string name, GenerationFields fields, bool textKnown)
    {
        // truncate_prompt_tokens keeps the last k tokens (left truncation, samplers.md §9.8).
        if (fields.Sampling.TruncatePromptTokens is int k)
        {
            var keep = k == -1 ? model.MaxModelLen : k;
            if (ids.Count > keep)
            {
                ids = ids.Skip(ids.Count - keep).ToArray();
                textKnown = false;
            }
        }
        if (ids.Count == 0)
            throw new RequestValidationException(name, $"{name} must not be empty (it has no tokens).");
        return new TokenizedPrompt(textKnown ? text : host.Detokenize(model.Id, ids, skipSpecialTokens: false), ids);
    }
}
