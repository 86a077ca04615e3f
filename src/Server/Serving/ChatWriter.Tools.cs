using Server.Contracts;
using Server.Generation;
using Server.Streaming;
using Server.Tools;

namespace Server.Serving;

/// <summary>
/// Streaming under a tool choice (api.md §7.6, §8.3): a choice's text is buffered until it finishes, then its
/// <see cref="ToolReply"/> goes out as one content delta (when any), two pieces per call (id, type and name; then
/// the whole arguments text) and the final chunk. Buffering keeps the streamed calls exactly the non-streaming
/// ones: no partial-JSON guessing, at the cost of no incremental argument text.
/// </summary>
public sealed partial class ChatWriter
{
    private ChoiceState[]? _toolStates;

    private async Task BufferToolChunkAsync(SseWriter sse, int index, GenerationChunk chunk, int generated, CancellationToken ct)
    {
        _toolStates ??= NewStates(fields.N);
        var state = _toolStates[index];
        state.Add(chunk);
        if (chunk.FinishReason is null) return;

        var reply = ToolReply.Of(tools, state.Text.ToString(), chunk.FinishReason);
        if (reply.Content is { Length: > 0 } content)
            await WriteAsync(sse, index, new ChatDelta(null, content), null, null, ct, generated).ConfigureAwait(false);
        for (var k = 0; k < reply.Calls.Count; k++)
        {
            var call = reply.Calls[k];
            await WriteAsync(sse, index, new ChatDelta(null, null, [new ChatDeltaToolCall(k, call.Id, call.Type, new ChatDeltaFunction(call.Function.Name, null))]),
                null, null, ct, generated).ConfigureAwait(false);
            await WriteAsync(sse, index, new ChatDelta(null, null, [new ChatDeltaToolCall(k, null, null, new ChatDeltaFunction(null, call.Function.Arguments))]),
                null, null, ct, generated).ConfigureAwait(false);
        }
        // the buffered tokens' logprobs ride on the final chunk
        var lp = fields.Logprobs is int top && state.Logprobs.Count > 0 ? logprobs.Chat(state.Logprobs, top) : null;
        await WriteAsync(sse, index, new ChatDelta(null, null), lp, chunk with { FinishReason = reply.FinishReason }, ct, generated).ConfigureAwait(false);
    }

    private static ChoiceState[] NewStates(int n)
    {
        var states = new ChoiceState[n];
        for (var i = 0; i < n; i++) states[i] = new ChoiceState();
        return states;
    }
}
