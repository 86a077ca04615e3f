using System.Text;
using Server.Contracts;
using Server.Generation;

namespace Server.Serving;

/// <summary>Renders engine logprobs as the completions (api.md §4.4) and chat (§4.5) objects.</summary>
public sealed class LogprobFormatter(IModelHost host, string model, bool detokenize)
{
    // JSON has no −∞; OpenAI-compatible servers write −9999.0 (api.md §4.4).
    private const float NegativeInfinityStandIn = -9999f;

    // The engine's text in context when it gave one (exact: tokens join to the text), else the token alone.
    private string Text(int id, string? inContext = null) => !detokenize ? $"token_id:{id}" : inContext ?? host.TokenText(model, id);

    private static float Safe(float logprob) => float.IsNegativeInfinity(logprob) || float.IsNaN(logprob) ? NegativeInfinityStandIn : logprob;

    /// <summary>Completions form; <paramref name="textOffset"/> is the character offset of the first token, advanced past them.</summary>
    public CompletionLogprobs Completion(IReadOnlyList<TokenLogprob> entries, ref int textOffset)
    {
        var tokens = new string[entries.Count];
        var values = new float?[entries.Count];
        var tops = new Dictionary<string, float>?[entries.Count];
        var offsets = new int[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            tokens[i] = Text(e.TokenId, e.Text);
            values[i] = Safe(e.Logprob);
            // k best plus the sampled token; ids with the same text in context collapse into one key (OpenAI).
            var top = new Dictionary<string, float>(StringComparer.Ordinal);
            foreach (var alt in e.Top) top.TryAdd(Text(alt.TokenId, alt.Text), Safe(alt.Logprob));
            top.TryAdd(tokens[i], Safe(e.Logprob));
            tops[i] = top;
            offsets[i] = textOffset;
            textOffset += tokens[i].Length;
        }
        return new CompletionLogprobs(tokens, values, tops, offsets);
    }

    /// <summary>
    /// The echoed prompt in the completions form (api.md §6.4): one entry per prompt token, the first with a null
    /// logprob and top dict (nothing precedes it), the others with their logprob and <paramref name="k"/> best
    /// alternatives plus the token itself.
    /// </summary>
    /// <param name="promptTexts">Each prompt token's text in the prompt, when the engine gave them.</param>
    public CompletionLogprobs EchoedPrompt(IReadOnlyList<int> promptIds, IReadOnlyList<PromptTokenLogprob?> entries, int k, ref int textOffset,
        IReadOnlyList<string>? promptTexts = null)
    {
        var tokens = new string[promptIds.Count];
        var values = new float?[promptIds.Count];
        var tops = new Dictionary<string, float>?[promptIds.Count];
        var offsets = new int[promptIds.Count];
        for (var i = 0; i < promptIds.Count; i++)
        {
            tokens[i] = Text(promptIds[i], promptTexts is not null && i < promptTexts.Count ? promptTexts[i] : null);
            if (i < entries.Count && entries[i] is { } e)
            {
                values[i] = Safe(e.Logprob);
                var top = new Dictionary<string, float>(StringComparer.Ordinal);
                for (var j = 0; j < e.Top.Count && j < k; j++) top.TryAdd(Text(e.Top[j].TokenId, e.Top[j].Text), Safe(e.Top[j].Logprob));
                top.TryAdd(tokens[i], Safe(e.Logprob));
                tops[i] = top;
            }
            offsets[i] = textOffset;
            textOffset += tokens[i].Length;
        }
        return new CompletionLogprobs(tokens, values, tops, offsets);
    }

    /// <summary>Two runs of tokens back to back (the echoed prompt, then the generated tokens).</summary>
    public static CompletionLogprobs Concat(CompletionLogprobs first, CompletionLogprobs? second) => second is null ? first : new(
        [.. first.Tokens, .. second.Tokens], [.. first.TokenLogprobs, .. second.TokenLogprobs],
        [.. first.TopLogprobs, .. second.TopLogprobs], [.. first.TextOffset, .. second.TextOffset]);

    /// <summary>
    /// <c>prompt_logprobs</c> (api.md §4.6): null for the first position, then the prompt token and the
    /// <paramref name="k"/> best alternatives keyed by id, each with its logprob, rank and text.
    /// </summary>
    public List<Dictionary<string, PromptLogprobEntry>?> Prompt(IReadOnlyList<PromptTokenLogprob?> entries, int k,
        IReadOnlyList<string>? promptTexts = null)
    {
        var result = new List<Dictionary<string, PromptLogprobEntry>?>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is not { } e)
            {
                result.Add(null);
                continue;
            }
            var text = Text(e.TokenId, promptTexts is not null && i < promptTexts.Count ? promptTexts[i] : null);
            var position = new Dictionary<string, PromptLogprobEntry>(StringComparer.Ordinal)
            {
                [e.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new(Safe(e.Logprob), e.Rank, text),
            };
            for (var j = 0; j < e.Top.Count && j < k; j++)
            {
                // the alternatives are sorted by logprob descending: rank j + 1
                position.TryAdd(e.Top[j].TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    new(Safe(e.Top[j].Logprob), j + 1, Text(e.Top[j].TokenId, e.Top[j].Text)));
            }
            result.Add(position);
        }
        return result;
    }

    /// <summary>Chat form with exactly the engine's top list (<paramref name="topCount"/> entries at most).</summary>
    public ChatLogprobs Chat(IReadOnlyList<TokenLogprob> entries, int topCount)
    {
        var content = new ChatTokenLogprob[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var top = new List<ChatTopLogprob>(Math.Min(topCount, e.Top.Count));
            for (var j = 0; j < e.Top.Count && j < topCount; j++)
            {
                var t = Text(e.Top[j].TokenId, e.Top[j].Text);
                top.Add(new ChatTopLogprob(t, Safe(e.Top[j].Logprob), Bytes(t, e.Top[j].Bytes)));
            }
            var token = Text(e.TokenId, e.Text);
            content[i] = new ChatTokenLogprob(token, Safe(e.Logprob), Bytes(token, e.Bytes), top);
        }
        return new ChatLogprobs(content);
    }

    // The token's own bytes when the engine gave them (a byte-level fragment of a character), else the text's UTF-8.
    private int[] Bytes(string text, byte[]? own)
    {
        var bytes = detokenize && own is not null ? own : Encoding.UTF8.GetBytes(text);
        var result = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) result[i] = bytes[i];
        return result;
    }
}
