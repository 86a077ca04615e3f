using Server.Contracts;
using Server.Errors;
using Server.Requests;
using Server.Streaming;

namespace Server.Serving;

/// <summary>Turns the merged chunks of a completion run into the whole response or SSE chunks (api.md §6.3, §8.2).</summary>
/// <param name="promptOnly">max_tokens = 0 with echo: each choice is the prompt alone (any generated token is hidden).</param>
public sealed class CompletionWriter(
    string id, long created, string model, IReadOnlyList<TokenizedPrompt> prompts, GenerationFields fields, LogprobFormatter logprobs,
    bool promptOnly = false)
{
    private const string Object = "text_completion";

    private int Choices => prompts.Count * fields.N;

    private TokenizedPrompt PromptOf(int index) => prompts[index / fields.N];

    /// <param name="asEvent">Send the response as the one SSE event of a request that cannot stream, then [DONE].</param>
    public async Task WholeAsync(HttpContext http, GenerationRun run, int promptTokens, bool asEvent = false)
    {
        var states = new ChoiceState[Choices];
        for (var i = 0; i < states.Length; i++) states[i] = new ChoiceState();
        await foreach (var item in run.ReadAllAsync(http.RequestAborted).ConfigureAwait(false))
            states[item.Index].Add(item.Chunk);

        var choices = new CompletionChoice[states.Length];
        var completionTokens = 0;
        for (var i = 0; i < states.Length; i++)
        {
            var s = states[i];
            var echo = fields.Echo ? PromptOf(i).Text : string.Empty;
            var offset = echo.Length;
            var echoed = Echoed(i, s.PromptLogprobs, s.PromptTokenTexts, ref offset);
            var generated = fields.Logprobs is null || promptOnly ? null : logprobs.Completion(s.Logprobs, ref offset);
            choices[i] = new CompletionChoice(i, echo + (promptOnly ? string.Empty : s.Text),
                echoed is null ? generated : LogprobFormatter.Concat(echoed, generated),
                promptOnly ? "length" : s.FinishReason ?? "length", promptOnly ? null : s.StopReason, s.Seed, promptOnly ? [] : s.TokenIds)
            {
                PromptLogprobs = fields.Sampling.PromptLogprobs is int k && s.PromptLogprobs is { } prompt ? logprobs.Prompt(prompt, k, s.PromptTokenTexts) : null,
            };
            completionTokens += promptOnly ? 0 : s.TokenIds.Count;
        }
        var response = new CompletionResponse(id, Object, created, model, choices, Usage.Of(promptTokens, completionTokens), null);
        if (asEvent)
        {
            var sse = new SseWriter(http.Response);
            await sse.WriteAsync(response, ServerJsonContext.Relaxed.CompletionResponse, http.RequestAborted).ConfigureAwait(false);
            await sse.WriteDoneAsync(http.RequestAborted).ConfigureAwait(false);
            return;
        }
        await http.Response.WriteAsJsonAsync(response, ServerJsonContext.Relaxed.CompletionResponse, contentType: null, http.RequestAborted).ConfigureAwait(false);
    }

    public async Task StreamAsync(HttpContext http, GenerationRun run, int promptTokens)
    {
        var sse = new SseWriter(http.Response);
        var ct = http.RequestAborted;
        var tokens = new int[Choices];
        var offsets = new int[Choices];
        var started = new bool[Choices];
        var finished = new bool[Choices];
        var promptLogprobs = new IReadOnlyList<Generation.PromptTokenLogprob?>?[Choices];
        var promptTexts = new IReadOnlyList<string>?[Choices];
        await sse.StartAsync(ct).ConfigureAwait(false);
        try
        {
            await foreach (var item in run.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var (i, chunk) = (item.Index, item.Chunk);
                promptLogprobs[i] ??= chunk.PromptLogprobs;
                promptTexts[i] ??= chunk.PromptTokenTexts;
                // max_tokens = 0: the hidden token only brought the prompt's logprobs
                if (promptOnly) continue;
                tokens[i] += chunk.TokenIds.Count;
                var text = chunk.Text;
                CompletionLogprobs? echoed = null;
                if (!started[i])
                {
                    started[i] = true;
                    // The first chunk of each choice carries the echoed prompt (api.md §6.4), and its logprobs.
                    if (fields.Echo)
                    {
                        text = PromptOf(i).Text + text;
                        offsets[i] = PromptOf(i).Text.Length;
                        echoed = Echoed(i, chunk.PromptLogprobs, chunk.PromptTokenTexts, ref offsets[i]);
                    }
                }
                finished[i] |= chunk.FinishReason is not null;
                // Empty deltas are not sent, except a final chunk (api.md §8.2).
                if (text.Length == 0 && chunk.TokenIds.Count == 0 && chunk.FinishReason is null) continue;
                var lp = fields.Logprobs is null || chunk.Logprobs is null ? null : logprobs.Completion(chunk.Logprobs, ref offsets[i]);
                lp = echoed is null ? lp : LogprobFormatter.Concat(echoed, lp);
                var choice = new CompletionChunkChoice(i, text, lp, chunk.FinishReason, chunk.StopReason,
                    chunk.TokenIds.Count == 1 ? chunk.TokenIds[0] : null);
                await sse.WriteAsync(Chunk([choice], RunningUsage(i, tokens[i])), ServerJsonContext.Relaxed.CompletionChunk, ct).ConfigureAwait(false);
            }
            for (var i = 0; i < Choices; i++)
            {
                if (finished[i]) continue;
                // Only with max_tokens = 0 and echo: the prompt alone, finishing for length.
                var text = fields.Echo && !started[i] ? PromptOf(i).Text : string.Empty;
                var offset = 0;
                var lp = fields.Echo && !started[i] ? Echoed(i, promptLogprobs[i], promptTexts[i], ref offset) : null;
                await sse.WriteAsync(Chunk([new CompletionChunkChoice(i, text, lp, "length", null, null)], RunningUsage(i, tokens[i])),
                    ServerJsonContext.Relaxed.CompletionChunk, ct).ConfigureAwait(false);
            }
            if (fields.IncludeUsage)
                await sse.WriteAsync(Chunk([], Usage.Of(promptTokens, tokens.Sum())), ServerJsonContext.Relaxed.CompletionChunk, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The stream has started: the error travels in band, then [DONE] (api.md §8.1).
            var error = ErrorMapper.Map(e);
            // the whole §4.1 object, flat fields included (api.md §8.1), as a non-streamed error would carry
            await sse.WriteAsync(ErrorMapper.Body(error), ServerJsonContext.Relaxed.ErrorResponse, ct).ConfigureAwait(false);
            await sse.WriteDoneAsync(ct).ConfigureAwait(false);
            if (error.Status >= 500) throw;
            return;
        }
        await sse.WriteDoneAsync(ct).ConfigureAwait(false);

        Usage? RunningUsage(int choice, int generated) =>
            fields.ContinuousUsage ? Usage.Of(PromptOf(choice).TokenIds.Count, generated) : null;
    }

    // The echoed prompt's logprobs when echo and logprobs are both asked; offsets then count from the prompt's first token.
    private CompletionLogprobs? Echoed(int choice, IReadOnlyList<Generation.PromptTokenLogprob?>? prompt, IReadOnlyList<string>? texts,
        ref int offset)
    {
        if (!fields.Echo || fields.Logprobs is not int k || prompt is null) return null;
        offset = 0;
        return logprobs.EchoedPrompt(PromptOf(choice).TokenIds, prompt, k, ref offset, texts);
    }

    private CompletionChunk Chunk(IReadOnlyList<CompletionChunkChoice> choices, Usage? usage) =>
        new(id, Object, created, model, choices, usage);
}
