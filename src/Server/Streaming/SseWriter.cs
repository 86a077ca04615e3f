using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Server.Hosting;

namespace Server.Streaming;

/// <summary>
/// Server-sent events framing (api.md §8.1): <c>data: &lt;compact JSON&gt;</c> and a blank line per event,
/// flushed at once, and the closing <c>data: [DONE]</c>. While no event goes out for
/// <see cref="ServerOptions.KeepAliveInterval"/>, a <c>: keep-alive</c> comment does (clients ignore comments).
/// </summary>
public sealed class SseWriter(HttpResponse response) : IAsyncDisposable
{
    private static readonly byte[] Prefix = "data: "u8.ToArray();
    private static readonly byte[] Separator = "\n\n"u8.ToArray();
    private static readonly byte[] Done = Encoding.UTF8.GetBytes("data: [DONE]\n\n");
    private static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();

    // One writer at a time on the body: the events and the keep-alive loop.
    private readonly SemaphoreSlim _write = new(1, 1);
    private CancellationTokenSource? _keepAliveStop;
    private Task _keepAlive = Task.CompletedTask;
    private long _lastWrite;

    public bool Started { get; private set; }

    /// <summary>Sends the 200 and the event-stream headers, and starts the keep-alive comments.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers.Connection = "keep-alive";
        Started = true;
        await response.StartAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _lastWrite, Stopwatch.GetTimestamp());
        var interval = response.HttpContext.RequestServices.GetService<ServerOptions>()?.KeepAliveInterval ?? TimeSpan.Zero;
        if (interval > TimeSpan.Zero)
        {
            _keepAliveStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _keepAlive = KeepAliveAsync(interval, _keepAliveStop.Token);
            // Whatever way the response ends (an error path that skips [DONE] included), the loop stops with it.
            response.RegisterForDisposeAsync(this);
        }
    }

    public async Task WriteAsync<T>(T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        if (!Started) await StartAsync(cancellationToken).ConfigureAwait(false);
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var writer = response.BodyWriter;
            writer.Write(Prefix.AsSpan());
            using (var json = new Utf8JsonWriter(writer))
                JsonSerializer.Serialize(json, value, type);
            writer.Write(Separator.AsSpan());
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _lastWrite, Stopwatch.GetTimestamp());
        }
        finally
        {
            _write.Release();
        }
    }

    public async Task WriteDoneAsync(CancellationToken cancellationToken)
    {
        await StopKeepAliveAsync().ConfigureAwait(false);
        response.BodyWriter.Write(Done.AsSpan());
        await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopKeepAliveAsync().ConfigureAwait(false);
        _write.Dispose();
    }

    private async Task KeepAliveAsync(TimeSpan interval, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                // Sleep until an interval has passed since the last event, then re-check: events reset the clock.
                var idle = Stopwatch.GetElapsedTime(Volatile.Read(ref _lastWrite));
                if (idle < interval)
                {
                    await Task.Delay(interval - idle, stop).ConfigureAwait(false);
                    continue;
                }
                await _write.WaitAsync(stop).ConfigureAwait(false);
                try
                {
                    if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastWrite)) < interval) continue;
                    response.BodyWriter.Write(KeepAlive.AsSpan());
                    await response.BodyWriter.FlushAsync(stop).ConfigureAwait(false);
                    Volatile.Write(ref _lastWrite, Stopwatch.GetTimestamp());
                }
                finally
                {
                    _write.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the stream ended or the client left.
        }
        catch (IOException)
        {
            // The connection broke under the comment; the request's own writes will see it too.
        }
        catch (InvalidOperationException)
        {
            // The response completed (an error path) just before the loop was stopped: nothing left to keep alive.
        }
    }

    private async Task StopKeepAliveAsync()
    {
        if (_keepAliveStop is not { } stop) return;
        _keepAliveStop = null;
        await stop.CancelAsync().ConfigureAwait(false);
        await _keepAlive.ConfigureAwait(false);
        stop.Dispose();
    }
}
