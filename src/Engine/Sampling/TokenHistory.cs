namespace Engine.Sampling;

/// <summary>h = prompt tokens followed by generated tokens, optionally only its last <c>range</c> tokens, without copying.</summary>
internal readonly ref struct TokenHistory
{
    private readonly ReadOnlySpan<int> _prompt;
    private readonly ReadOnlySpan<int> _output;
    private readonly int _start;

    public TokenHistory(ReadOnlySpan<int> prompt, ReadOnlySpan<int> output, int range = 0)
    {
        _prompt = prompt;
        _output = output;
        var total = prompt.Length + output.Length;
        _start = range > 0 && range < total ? total - range : 0;
        Length = total - _start;
    }

    public int Length { get; }

    public int this[int index]
    {
        get
        {
            var i = index + _start;
            return i < _prompt.Length ? _prompt[i] : _output[i - _prompt.Length];
        }
    }
}
