using System.Text;

namespace Server.Tools;

/// <summary>
/// Streaming side of an <see cref="IToolCallParser"/> for one choice: text goes out as content as it arrives, except
/// a tail that could still grow into one of the start markers; from the first marker on, everything is held for
/// parsing when the choice finishes.
/// </summary>
public sealed class ToolCallStreamSplitter(IReadOnlyList<string> markers)
{
    private readonly StringBuilder _text = new();
    private int _sent;
    private bool _inCalls;

    /// <summary>Appends a delta and returns the content that is now certain not to belong to a tool call.</summary>
    public string Feed(string delta)
    {
        _text.Append(delta);
        if (_inCalls || delta.Length == 0) return string.Empty;
        // only the unsent part can hold a marker: the held-back tail always covers a partial one
        var unsent = _text.ToString(_sent, _text.Length - _sent);
        var open = FirstMarker(unsent);
        _inCalls = open >= 0;
        var safe = _inCalls ? open : unsent.Length - PartialMarkerLength(unsent);
        _sent += safe;
        return unsent[..safe];
    }

    /// <summary>The text not yet sent as content: the held tail, or everything from the first marker on.</summary>
    public string Rest => _text.ToString(_sent, _text.Length - _sent);

    private int FirstMarker(string text)
    {
        var first = -1;
        foreach (var marker in markers)
        {
            var at = text.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        return first;
    }

    // longest proper prefix of any marker that the text ends with
    private int PartialMarkerLength(string text)
    {
        var longest = 0;
        foreach (var marker in markers)
        {
            for (var k = Math.Min(marker.Length - 1, text.Length); k > longest; k--)
            {
                if (text.AsSpan(text.Length - k).SequenceEqual(marker.AsSpan(0, k)))
                {
                    longest = k;
                    break;
                }
            }
        }
        return longest;
    }
}
