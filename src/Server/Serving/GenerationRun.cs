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
    private Channel<IndexedChunk>? _channel;
    private CancellationTokenSource? _abort;
    private Task[] _producers = [];
    private long _started;

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
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            // True at the first chunk, false when the run ended without one; an engine failure throws.
            _ = await _channel!.Reader.WaitToReadAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
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
            await StopAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async IAsyncEnumerable<IndexedChunk> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Start(cancellationToken);
        var n = requests.Count == 0 ? 0 : requests[0].N;
        var lastChunkAt = new long[requests.Count * n];
        var firstTokenSeen = false;
        try
        {
            await foreach (var item in _channel!.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                if (item.Chunk.TokenIds.Count > 0)
                {
                    metrics.AddGenerationTokens(item.Chunk.TokenIds.Count);
                    if (!firstTokenSeen)
                    {
                        firstTokenSeen = true;
                        metrics.TimeToFirstToken.Observe(Stopwatch.GetElapsedTime(_started, now).TotalSeconds);
                    }
                    else if (lastChunkAt[item.Index] != 0)
                        metrics.InterTokenLatency.Observe(Stopwatch.GetElapsedTime(lastChunkAt[item.Index], now).TotalSeconds);
                    lastChunkAt[item.Index] = now;
                }
                yield return item;
            }
        }
        finally
        {
            await StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts the producers once; a second call (StartAsync, then ReadAllAsync) does nothing.</summary>
    private void Start(CancellationToken cancellationToken)
    {
        if (_channel is not null) return;
        _abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _channel = Channel.CreateUnbounded<IndexedChunk>(new UnboundedChannelOptions { SingleReader = true });
        _started = Stopwatch.GetTimestamp();
        _producers = new Task[requests.Count];
        var remaining = requests.Count;
        var writer = _channel.Writer;
        for (var p = 0; p < requests.Count; p++)
            _producers[p] = ProduceAsync(p, writer, _abort, () =>
            {
                if (Interlocked.Decrement(ref remaining) == 0) writer.TryComplete();
            });
        if (requests.Count == 0) writer.TryComplete();
    }

    private async Task StopAsync()
    {
        if (_abort is null) return;
        await _abort.CancelAsync().ConfigureAwait(false);
        // Producers end promptly once cancelled; waiting keeps engine exceptions observed.
        try { await Task.WhenAll(_producers).ConfigureAwait(false); } catch (OperationCanceledException) { }
        _abort.Dispose();
        _abort = null;
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
            writer.TryComplete(e);
            await abort.CancelAsync().ConfigureAwait(false);
        }
    }
}
