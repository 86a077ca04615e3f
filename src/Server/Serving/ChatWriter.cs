using Server.Contracts;
using Server.Errors;
using Server.Requests;
using Server.Streaming;
using Server.Tools;

namespace Server.Serving;

/// <summary>Turns the chunks of a chat run into the whole response or SSE chunks (api.md §7.3, §7.6, §8.3).</summary>
public sealed partial class ChatWriter(
    string id, long created, string model, string role, string echo, GenerationFields fields, int promptTokens,
    LogprobFormatter logprobs, ToolRequest tools)
{
    private const string ChunkObject = "chat.completion.chunk";

    /// <param name="asEvent">Send the response as the one SSE event of a request that cannot stream, then [DONE].</param>
    public async Task WholeAsync(HttpContext http, GenerationRun run, bool asEvent = false)
    {
        var states = NewStates(fields.N);
        await foreach (var item in run.ReadAllAsync(http.RequestAborted).ConfigureAwait(false))
            states[item.Index].Add(item.Chunk);

        var choices = new ChatChoice[states.Length];
        var completionTokens = 0;
        for (var i = 0; i < states.Length; i++)
        {
            var s = states[i];
            var lp = fields.Logprobs is int top ? logprobs.Chat(s.Logprobs, top) : null;
            var reply = ToolReply.Of(tools, s.Text.ToString(), s.FinishReason ?? "length");
            choices[i] = new ChatChoice(i, new ChatResponseMessage(role, reply.Content is null ? null : echo + reply.Content, reply.Calls), lp,
                reply.FinishReason, s.StopReason, s.Seed, s.TokenIds);
            completionTokens += s.TokenIds.Count;
        }
        var response = new ChatCompletionResponse(id, "chat.completion", created, model, choices,
            Usage.Of(promptTokens, completionTokens), null)
        {
            // one prompt for every choice: its logprobs go at the top level (api.md §4.6)
            PromptLogprobs = fields.Sampling.PromptLogprobs is int k && states[0].PromptLogprobs is { } prompt ? logprobs.Prompt(prompt, k, states[0].PromptTokenTexts) : null,
        };
        if (asEvent)
        {
            var sse = new SseWriter(http.Response);
            await sse.WriteAsync(response, ServerJsonContext.Relaxed.ChatCompletionResponse, http.RequestAborted).ConfigureAwait(false);
            await sse.WriteDoneAsync(http.RequestAborted).ConfigureAwait(false);
            return;
        }
        await http.Response.WriteAsJsonAsync(response, ServerJsonContext.Relaxed.ChatCompletionResponse, contentType: null, http.RequestAborted)
            .ConfigureAwait(false);
    }

    public async Task StreamAsync(HttpContext http, GenerationRun run)
    {
        var sse = new SseWriter(http.Response);
        var ct = http.RequestAborted;
        var tokens = new int[fields.N];
        await sse.StartAsync(ct).ConfigureAwait(false);
        try
        {
            // (1) the role chunk of every choice, (2) the echoed content when there is one.
            for (var i = 0; i < fields.N; i++)
            {
                await WriteAsync(sse, i, new ChatDelta(role, string.Empty), null, null, ct).ConfigureAwait(false);
                if (echo.Length > 0) await WriteAsync(sse, i, new ChatDelta(null, echo), null, null, ct).ConfigureAwait(false);
            }
            // (3) content chunks, (4) the final chunk with finish_reason.
            await foreach (var item in run.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var (i, chunk) = (item.Index, item.Chunk);
                tokens[i] += chunk.TokenIds.Count;
                if (tools.Choice != ToolChoiceKind.None)
                {
                    await BufferToolChunkAsync(sse, i, chunk, tokens[i], ct).ConfigureAwait(false);
                    continue;
                }
                if (chunk.Text.Length == 0 && chunk.TokenIds.Count == 0 && chunk.FinishReason is null) continue;
                var lp = fields.Logprobs is int top && chunk.Logprobs is not null ? logprobs.Chat(chunk.Logprobs, top) : null;
                var delta = chunk.Text.Length == 0 && chunk.FinishReason is not null ? new ChatDelta(null, null) : new ChatDelta(null, chunk.Text);
                await WriteAsync(sse, i, delta, lp, chunk, ct, tokens[i]).ConfigureAwait(false);
            }
            if (fields.IncludeUsage)
                await sse.WriteAsync(new ChatChunk(id, ChunkObject, created, model, [], Usage.Of(promptTokens, tokens.Sum())),
                    ServerJsonContext.Relaxed.ChatChunk, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var error = ErrorMapper.Map(e);
            // the whole §4.1 object, flat fields included (api.md §8.1), as a non-streamed error would carry
            await sse.WriteAsync(ErrorMapper.Body(error), ServerJsonContext.Relaxed.ErrorResponse, ct).ConfigureAwait(false);
            await sse.WriteDoneAsync(ct).ConfigureAwait(false);
            if (error.Status >= 500) throw;
            return;
        }
        await sse.WriteDoneAsync(ct).ConfigureAwait(false);
    }

    private Task WriteAsync(SseWriter sse, int index, ChatDelta delta, ChatLogprobs? lp, Generation.GenerationChunk? chunk,
        CancellationToken ct, int generated = 0)
    {
        var choice = new ChatChunkChoice(index, delta, lp, chunk?.FinishReason, chunk?.StopReason);
        var usage = fields.ContinuousUsage ? Usage.Of(promptTokens, generated) : null;
        return sse.WriteAsync(new ChatChunk(id, ChunkObject, created, model, [choice], usage), ServerJsonContext.Relaxed.ChatChunk, ct);
    }
}
