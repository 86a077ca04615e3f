namespace Server.Limits;

/// <summary>
/// A held parallel slot; disposing it (when the last byte is sent or the client left) frees the slot.
/// <see cref="Headers"/> are the x-ratelimit-* headers of the accepted response.
/// </summary>
/// <remarks>
/// The release never throws: a shared store that cannot be reached then keeps the slot until its lease expires
/// (<see cref="LeaseRenewer"/>), which is what bounds a slot of a replica that died.
/// </remarks>
public sealed class LimitLease : IDisposable, IAsyncDisposable
{
    public static readonly LimitLease Unlimited = new(null, new Dictionary<string, string>());

    private Func<ValueTask>? _release;

    internal LimitLease(Func<ValueTask>? release, IReadOnlyDictionary<string, string> headers)
    {
        _release = release;
        Headers = headers;
    }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _release, null) is { } release ? release() : ValueTask.CompletedTask;

    /// <summary>Frees the slot; a release that has to wait for a shared store finishes in the background.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _release, null) is { } release && release() is { IsCompleted: false } pending)
            _ = pending.AsTask();
    }
}
