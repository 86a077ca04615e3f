using System.Text;

namespace Server.Tools;

/// <summary>
/// Streaming side of <see cref="HermesToolParser"/> for one choice: text goes out as content as it arrives, except a
/// tail that could still grow into <c>&lt;tool_call&gt;</c>; from the first opening tag on, everything is held for
/// parsing when the choice finishes.
/// </summary>
public sealed class HermesStreamSplitter
{
    private const string Open = "<tool_call>";

    private readonly StringBuilder _text = new();
    private int _sent;
    private bool _inCalls;

    /// <summary>Appends a delta and returns the content that is now certain not to belong to a tool call.</summary>
    public string Feed(string delta)
    {
        _text.Append(delta);
        if (_inCalls || delta.Length == 0) return string.Empty;
        // only the unsent part can hold an opening tag: the held-back tail always covers a partial one
        var unsent = _text.ToString(_sent, _text.Length - _sent);
        var open = unsent.IndexOf(Open, StringComparison.Ordinal);
        _inCalls = open >= 0;
        var safe = _inCalls ? open : unsent.Length - PartialTagLength(unsent);
        _sent += safe;
        return unsent[..safe];
    }

    /// <summary>The text not yet sent as content: the held tail, or everything from the first tool call on.</summary>
    public string Rest => _text.ToString(_sent, _text.Length - _sent);

    // longest proper prefix of "<tool_call>" that the text ends with
    private static int PartialTagLength(string text)
    {
        for (var k = Math.Min(Open.Length - 1, text.Length); k > 0; k--)
            if (text.AsSpan(text.Length - k).SequenceEqual(Open.AsSpan(0, k))) return k;
        return 0;
    }
}
