namespace Server.Limits;

/// <summary>
/// A held parallel slot; disposing it (when the last byte is sent or the client left) frees the slot.
/// <see cref="Headers"/> are the x-ratelimit-* headers of the accepted response.
/// </summary>
public sealed class LimitLease : IDisposable
{
    public static readonly LimitLease Unlimited = new(null, string.Empty, new Dictionary<string, string>());

    private readonly AccountLimitState? _state;
    private readonly string _model;
    private int _disposed;

    internal LimitLease(AccountLimitState? state, string model, IReadOnlyDictionary<string, string> headers)
    {
        _state = state;
        _model = model;
        Headers = headers;
    }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public void Dispose()
    {
        if (_state is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
            _state.Release(_model);
    }
}
