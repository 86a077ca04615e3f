using Server.Contracts;
using Server.Generation;
using Server.Streaming;
using Server.Tools;

namespace Server.Serving;

/// <summary>
/// Streaming under a tool choice (api.md §7.6, §8.3). Named and required: a choice's text is buffered until it
/// finishes, then its <see cref="ToolReply"/> goes out as two pieces per call (id, type and name; then the whole
/// arguments text) and the final chunk — the streamed calls are exactly the non-streaming ones, with no
/// partial-JSON guessing, at the cost of no incremental argument text. Auto: content streams as it comes
/// (<see cref="ToolCallStreamSplitter"/>) until the parser's first start marker; the rest is parsed at the end.
/// </summary>
public sealed partial class ChatWriter
{
    private ChoiceState[]? _toolStates;
    private ToolCallStreamSplitter[]? _splitters;

    private async Task BufferToolChunkAsync(SseWriter sse, int index, GenerationChunk chunk, int generated, CancellationToken ct)
    {
        if (tools.Choice == ToolChoiceKind.Auto)
        {
            await AutoToolChunkAsync(sse, index, chunk, generated, ct).ConfigureAwait(false);
            return;
        }
        _toolStates ??= NewStates(fields.N);
        var state = _toolStates[index];
        state.Add(chunk);
        if (chunk.FinishReason is null) return;

        var reply = ToolReply.Of(tools, state.Text.ToString(), chunk.FinishReason);
        if (reply.Content is { Length: > 0 } content)
            await WriteAsync(sse, index, new ChatDelta(null, content), null, null, ct, generated).ConfigureAwait(false);
        await WriteCallsAsync(sse, index, reply.Calls, generated, ct).ConfigureAwait(false);
        // the buffered tokens' logprobs ride on the final chunk
        var lp = fields.Logprobs is int top && state.Logprobs.Count > 0 ? logprobs.Chat(state.Logprobs, top) : null;
        await WriteAsync(sse, index, new ChatDelta(null, null), lp, chunk with { FinishReason = reply.FinishReason }, ct, generated).ConfigureAwait(false);
    }

    private async Task AutoToolChunkAsync(SseWriter sse, int index, GenerationChunk chunk, int generated, CancellationToken ct)
    {
        _splitters ??= new ToolCallStreamSplitter[fields.N];
        var splitter = _splitters[index] ??= new ToolCallStreamSplitter(tools.Parser!.StartMarkers);
        var content = splitter.Feed(chunk.Text);
        var lp = fields.Logprobs is int top && chunk.Logprobs is not null ? logprobs.Chat(chunk.Logprobs, top) : null;
        if (chunk.FinishReason is null)
        {
            // a held-back token still sends its (empty) delta, so its logprobs stay in step
            if (content.Length > 0 || chunk.TokenIds.Count > 0)
                await WriteAsync(sse, index, new ChatDelta(null, content), lp, null, ct, generated).ConfigureAwait(false);
            return;
        }
        var parsed = tools.Parser!.Parse(splitter.Rest);
        if (parsed.Calls.Count == 0)
        {
            var last = content + splitter.Rest;
            await WriteAsync(sse, index, new ChatDelta(null, last.Length == 0 ? null : last), lp, chunk, ct, generated).ConfigureAwait(false);
            return;
        }
        var before = content + parsed.Content;
        if (before.Length > 0)
            await WriteAsync(sse, index, new ChatDelta(null, before), null, null, ct, generated).ConfigureAwait(false);
        await WriteCallsAsync(sse, index, parsed.Calls, generated, ct).ConfigureAwait(false);
        await WriteAsync(sse, index, new ChatDelta(null, null), lp, chunk with { FinishReason = "tool_calls" }, ct, generated).ConfigureAwait(false);
    }

    private async Task WriteCallsAsync(SseWriter sse, int index, IReadOnlyList<ChatToolCall> calls, int generated, CancellationToken ct)
    {
        for (var k = 0; k < calls.Count; k++)
        {
            var call = calls[k];
            await WriteAsync(sse, index, new ChatDelta(null, null, [new ChatDeltaToolCall(k, call.Id, call.Type, new ChatDeltaFunction(call.Function.Name, null))]),
                null, null, ct, generated).ConfigureAwait(false);
            await WriteAsync(sse, index, new ChatDelta(null, null, [new ChatDeltaToolCall(k, null, null, new ChatDeltaFunction(null, call.Function.Arguments))]),
                null, null, ct, generated).ConfigureAwait(false);
        }
    }

    private static ChoiceState[] NewStates(int n)
    {
        var states = new ChoiceState[n];
        for (var i = 0; i < n; i++) states[i] = new ChoiceState();
        return states;
    }
}
