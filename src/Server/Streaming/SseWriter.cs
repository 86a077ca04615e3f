using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Server.Streaming;

/// <summary>
/// Server-sent events framing (api.md §8.1): <c>data: &lt;compact JSON&gt;</c> and a blank line per event,
/// flushed at once, and the closing <c>data: [DONE]</c>.
/// </summary>
public sealed class SseWriter(HttpResponse response)
{
    private static readonly byte[] Prefix = "data: "u8.ToArray();
    private static readonly byte[] Separator = "\n\n"u8.ToArray();
    private static readonly byte[] Done = Encoding.UTF8.GetBytes("data: [DONE]\n\n");

    public bool Started { get; private set; }

    /// <summary>Sends the 200 and the event-stream headers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers.Connection = "keep-alive";
        Started = true;
        await response.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteAsync<T>(T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        if (!Started) await StartAsync(cancellationToken).ConfigureAwait(false);
        var writer = response.BodyWriter;
        writer.Write(Prefix.AsSpan());
        using (var json = new Utf8JsonWriter(writer))
            JsonSerializer.Serialize(json, value, type);
        writer.Write(Separator.AsSpan());
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteDoneAsync(CancellationToken cancellationToken)
    {
        response.BodyWriter.Write(Done.AsSpan());
        await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
