using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Server.Generation;
using Server.Metrics;

namespace Server.Serving;

/// <summary>
/// Runs one engine generation per prompt and merges their chunks in arrival order, tagging each with its
/// response choice index. Records tokens, time-to-first-token and inter-token latency. Cancelling the
/// token (client gone) or a failure of one prompt aborts all of them.
/// </summary>
public sealed class GenerationRun(IModelHost host, ServerMetrics metrics, IReadOnlyList<GenerationRequest> requests)
{
    public async IAsyncEnumerable<IndexedChunk> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateUnbounded<IndexedChunk>(new UnboundedChannelOptions { SingleReader = true });
        var started = Stopwatch.GetTimestamp();
        var producers = new Task[requests.Count];
        var remaining = requests.Count;
        for (var p = 0; p < requests.Count; p++)
            producers[p] = ProduceAsync(p, channel.Writer, abort, () =>
            {
                if (Interlocked.Decrement(ref remaining) == 0) channel.Writer.TryComplete();
            });

        if (requests.Count == 0) channel.Writer.TryComplete();
        var n = requests.Count == 0 ? 0 : requests[0].N;
        var lastChunkAt = new long[requests.Count * n];
        var firstTokenSeen = false;
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                if (item.Chunk.TokenIds.Count > 0)
                {
                    metrics.AddGenerationTokens(item.Chunk.TokenIds.Count);
                    if (!firstTokenSeen)
                    {
                        firstTokenSeen = true;
                        metrics.TimeToFirstToken.Observe(Stopwatch.GetElapsedTime(started, now).TotalSeconds);
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
            await abort.CancelAsync().ConfigureAwait(false);
            // Producers end promptly once cancelled; waiting keeps engine exceptions observed.
            try { await Task.WhenAll(producers).ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
    }

    private async Task ProduceAsync(int promptIndex, ChannelWriter<IndexedChunk> writer, CancellationTokenSource abort, Action done)
    {
        var request = requests[promptIndex];
        try
        {
            await foreach (var chunk in host.Generate(request, abort.Token).ConfigureAwait(false))
                await writer.WriteAsync(new IndexedChunk(promptIndex * request.N + chunk.Choice, promptIndex, chunk), abort.Token).ConfigureAwait(false);
            done();
        }
        catch (Exception e) when (e is not OperationCanceledException || !abort.IsCancellationRequested)
        {
            // One prompt failing fails the response: surface it to the reader and stop the others.
            writer.TryComplete(e);
            await abort.CancelAsync().ConfigureAwait(false);
        }
    }
}
