using Server.Contracts;
using Server.Errors;
using Server.Requests;
using Server.Streaming;

namespace Server.Serving;

/// <summary>Turns the merged chunks of a completion run into the whole response or SSE chunks (api.md §6.3, §8.2).</summary>
public sealed class CompletionWriter(
    string id, long created, string model, IReadOnlyList<TokenizedPrompt> prompts, GenerationFields fields, LogprobFormatter logprobs)
{
    private const string Object = "text_completion";

    private int Choices => prompts.Count * fields.N;

    private TokenizedPrompt PromptOf(int index) => prompts[index / fields.N];

    public async Task WholeAsync(HttpContext http, GenerationRun run, int promptTokens)
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
            choices[i] = new CompletionChoice(i, echo + s.Text, fields.Logprobs is null ? null : logprobs.Completion(s.Logprobs, ref offset),
                s.FinishReason ?? "length", s.StopReason, s.Seed, s.TokenIds);
            completionTokens += s.TokenIds.Count;
        }
        var response = new CompletionResponse(id, Object, created, model, choices, Usage.Of(promptTokens, completionTokens), null);
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
        await sse.StartAsync(ct).ConfigureAwait(false);
        try
        {
            await foreach (var item in run.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var (i, chunk) = (item.Index, item.Chunk);
                tokens[i] += chunk.TokenIds.Count;
                var text = chunk.Text;
                if (!started[i])
                {
                    started[i] = true;
                    // The first chunk of each choice carries the echoed prompt (api.md §6.4).
                    if (fields.Echo)
                    {
                        text = PromptOf(i).Text + text;
                        offsets[i] = PromptOf(i).Text.Length;
                    }
                }
                finished[i] |= chunk.FinishReason is not null;
                // Empty deltas are not sent, except a final chunk (api.md §8.2).
                if (text.Length == 0 && chunk.TokenIds.Count == 0 && chunk.FinishReason is null) continue;
                var lp = fields.Logprobs is null || chunk.Logprobs is null ? null : logprobs.Completion(chunk.Logprobs, ref offsets[i]);
                var choice = new CompletionChunkChoice(i, text, lp, chunk.FinishReason, chunk.StopReason,
                    chunk.TokenIds.Count == 1 ? chunk.TokenIds[0] : null);
                await sse.WriteAsync(Chunk([choice], RunningUsage(i, tokens[i])), ServerJsonContext.Relaxed.CompletionChunk, ct).ConfigureAwait(false);
            }
            for (var i = 0; i < Choices; i++)
            {
                if (finished[i]) continue;
                // Only with max_tokens = 0 and echo: the prompt alone, finishing for length.
                var text = fields.Echo && !started[i] ? PromptOf(i).Text : string.Empty;
                await sse.WriteAsync(Chunk([new CompletionChunkChoice(i, text, null, "length", null, null)], RunningUsage(i, tokens[i])),
                    ServerJsonContext.Relaxed.CompletionChunk, ct).ConfigureAwait(false);
            }
            if (fields.IncludeUsage)
                await sse.WriteAsync(Chunk([], Usage.Of(promptTokens, tokens.Sum())), ServerJsonContext.Relaxed.CompletionChunk, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The stream has started: the error travels in band, then [DONE] (api.md §8.1).
            var error = ErrorMapper.Map(e);
            await sse.WriteAsync(new StreamErrorEvent(ErrorMapper.Body(error).Error), ServerJsonContext.Relaxed.StreamErrorEvent, ct).ConfigureAwait(false);
            await sse.WriteDoneAsync(ct).ConfigureAwait(false);
            if (error.Status >= 500) throw;
            return;
        }
        await sse.WriteDoneAsync(ct).ConfigureAwait(false);

        Usage? RunningUsage(int choice, int generated) =>
            fields.ContinuousUsage ? Usage.Of(PromptOf(choice).TokenIds.Count, generated) : null;
    }

    private CompletionChunk Chunk(IReadOnlyList<CompletionChunkChoice> choices, Usage? usage) =>
        new(id, Object, created, model, choices, usage);
}
