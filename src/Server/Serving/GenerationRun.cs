using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Server.Errors;
using Server.Generation;
using Server.Limits;
using Server.Metrics;

namespace Server.Serving;

/// <summary>
/// Runs one engine generation per prompt and merges their chunks in arrival order, tagging each with its
/// response choice index. Records tokens, time-to-first-token and inter-token latency. Cancelling the
/// token (client gone) or a failure of one prompt aborts all of them.
/// </summary>
/// <param name="queueTimeout">
/// Friendli's <c>timeout_microseconds</c> (api.md §12.2): how long the run may wait for its first chunk
/// (queueing plus prefill); null = no limit. Enforced by <see cref="StartAsync"/>.
/// </param>
public sealed class GenerationRun(IModelHost host, ServerMetrics metrics, IReadOnlyList<GenerationRequest> requests, TimeSpan? queueTimeout = null)
{
    private CancellationTokenSource? _abort;
    private IAsyncEnumerator<IndexedChunk>? _source;
    // The first MoveNextAsync, started (and awaited with a deadline) by StartAsync; ReadAllAsync takes it over.
    private ValueTask<bool>? _first;
    private long _started;
    private Exception? _failure;

    /// <summary>
    /// Submits every prompt. With a queue timeout, also waits (before any response byte is written) until the
    /// first chunk arrives; when it does not arrive in time the requests are aborted, which drops them from the
    /// engine's waiting queue, and a 429 is thrown. An engine rejection before the first chunk is thrown here too.
    /// </summary>
    /// <exception cref="RateLimitedException">The first chunk did not arrive within the queue timeout.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Start(cancellationToken);
        if (queueTimeout is not { } timeout || requests.Count == 0) return;
        var first = _source!.MoveNextAsync().AsTask();
        _first = new ValueTask<bool>(first);
        try
        {
            await first.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await StopAsync().ConfigureAwait(false);
            metrics.RecordRejection(LimitKind.QueueTimeout);
            throw new RateLimitedException(
                $"Request dropped: it waited longer than timeout_microseconds={timeout.Ticks / 10} in the queue before its first token.")
            {
                Kind = LimitKind.QueueTimeout,
                Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Retry-After"] = "1", ["retry-after-ms"] = "1000" },
            };
        }
        catch
        {
            // The first read failed (engine rejection) or the client left: nothing left to wait for but the cleanup.
            if (first.IsCompleted) _first = null;
            await StopAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async IAsyncEnumerable<IndexedChunk> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Start(cancellationToken);
        var source = _source!;
        var n = requests.Count == 0 ? 0 : requests[0].N;
        var lastChunkAt = new long[requests.Count * n];
        var firstTokenSeen = false;
        var series = metrics.For(requests.Count == 0 ? "" : requests[0].Model);
        try
        {
            var next = _first ?? source.MoveNextAsync();
            _first = null;
            while (await next.ConfigureAwait(false))
            {
                var item = source.Current;
                var now = Stopwatch.GetTimestamp();
                if (item.Chunk.TokenIds.Count > 0)
                {
                    series.AddGenerationTokens(item.Chunk.TokenIds.Count);
                    if (!firstTokenSeen)
                    {
                        firstTokenSeen = true;
                        series.ObserveTimeToFirstToken(Stopwatch.GetElapsedTime(_started, now).TotalSeconds);
                    }
                    else if (lastChunkAt[item.Index] != 0)
                        series.ObserveInterToken(Stopwatch.GetElapsedTime(lastChunkAt[item.Index], now).TotalSeconds);
                    lastChunkAt[item.Index] = now;
                }
                yield return item;
                next = source.MoveNextAsync();
            }
            if (requests.Count > 0) series.ObserveEndToEnd(Stopwatch.GetElapsedTime(_started).TotalSeconds);
        }
        finally
        {
            await StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts generating once; a second call (StartAsync, then ReadAllAsync) does nothing.</summary>
    private void Start(CancellationToken cancellationToken)
    {
        if (_source is not null) return;
        _abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _started = Stopwatch.GetTimestamp();
        // One prompt (the usual case) is read straight from the engine: no merge channel, no extra thread hop per token.
        var chunks = requests.Count == 1 ? SingleAsync(requests[0], _abort.Token) : MergeAsync(_abort);
        _source = chunks.GetAsyncEnumerator(_abort.Token);
    }

    private async Task StopAsync()
    {
        if (_abort is null) return;
        await _abort.CancelAsync().ConfigureAwait(false);
        if (_first is { } first)
        {
            // An abandoned first read must end before the enumerator may be disposed.
            try { await first.ConfigureAwait(false); } catch (OperationCanceledException) { }
            _first = null;
        }
        try { await _source!.DisposeAsync().ConfigureAwait(false); } catch (OperationCanceledException) { }
        _abort.Dispose();
        _abort = null;
    }

    private async IAsyncEnumerable<IndexedChunk> SingleAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var chunk in host.Generate(request, cancellationToken).ConfigureAwait(false))
            yield return new IndexedChunk(chunk.Choice, 0, chunk);
    }

    /// <summary>Several prompts: one producer each, merged through a channel in arrival order.</summary>
    private async IAsyncEnumerable<IndexedChunk> MergeAsync(CancellationTokenSource abort)
    {
        var channel = Channel.CreateUnbounded<IndexedChunk>(new UnboundedChannelOptions { SingleReader = true });
        var producers = new Task[requests.Count];
        var remaining = requests.Count;
        for (var p = 0; p < requests.Count; p++)
            producers[p] = ProduceAsync(p, channel.Writer, abort, () =>
            {
                if (Interlocked.Decrement(ref remaining) == 0) channel.Writer.TryComplete();
            });
        if (requests.Count == 0) channel.Writer.TryComplete();
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await channel.Reader.WaitToReadAsync(abort.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_failure is not null)
                {
                    // A failing producer cancels the others; its error, not the cancellation, is the answer.
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_failure);
                    throw;
                }
                if (!more) break;
                while (channel.Reader.TryRead(out var item)) yield return item;
            }
        }
        finally
        {
            await abort.CancelAsync().ConfigureAwait(false);
            // Producers end promptly once cancelled; waiting keeps engine exceptions observed.
            try { await Task.WhenAll(producers).ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
    }

    private async Task ProduceAsync(int promptIndex, ChannelWriter<IndexedChunk> writer, CancellationTokenSource abort, Action done)
    {
        var request = requests[promptIndex];
        var token = abort.Token;
        try
        {
            await foreach (var chunk in host.Generate(request, token).ConfigureAwait(false))
                await writer.WriteAsync(new IndexedChunk(promptIndex * request.N + chunk.Choice, promptIndex, chunk), token).ConfigureAwait(false);
            done();
        }
        catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
        {
            // One prompt failing fails the response: surface it to the reader and stop the others.
            Interlocked.CompareExchange(ref _failure, e, null);
            writer.TryComplete(e);
            await abort.CancelAsync().ConfigureAwait(false);
        }
    }
}
