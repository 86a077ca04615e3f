using System.Text;

namespace Engine.Output;

/// <summary>
/// Stop-string detection over one sequence's detokenised output (samplers.md §9.3, §9.5). Each
/// <see cref="Append"/> adds the characters a new token produced and searches the window that starts
/// <c>len(stop)</c> characters before them, so matches spanning token boundaries are found. The match with
/// the earliest start wins (ties: the longer string, then list order; deviation from aph's list order).
/// The text is cut at the start of the match, or after it with <c>include_stop_str_in_output</c>; text the
/// same token produced after the match is discarded. While not including the stop string, text that may
/// still begin a stop string (a suffix that is a proper prefix of one) is held back until decided.
/// </summary>
public sealed class StopStrings
{
    private readonly string[] _stops;
    private readonly bool _includeInOutput;
    private readonly int _longest;
    private readonly StringBuilder _text = new();
    private int _emitted;

    public StopStrings(IReadOnlyList<string> stops, bool includeStopStrInOutput)
    {
        ArgumentNullException.ThrowIfNull(stops);
        if (stops.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Stop strings must be non-empty.", nameof(stops));
        }
        _stops = [.. stops];
        _includeInOutput = includeStopStrInOutput;
        _longest = _stops.Length == 0 ? 0 : _stops.Max(s => s.Length);
    }

    /// <summary>The output text so far (cut at the stop string once one matched).</summary>
    public string Text => _text.ToString();

    public bool Stopped { get; private set; }

    /// <summary>The matched stop string, once <see cref="Stopped"/>.</summary>
    public string? StopReason { get; private set; }

    /// <summary>
    /// Appends <paramref name="newText"/> and returns what can be streamed. <paramref name="checkStops"/> is
    /// false while fewer than <c>min_tokens</c> tokens were generated (§4.5): no match is taken then, but
    /// text that may begin a stop string is still held back, so a later match never cuts already-streamed text.
    /// After a stop, further calls emit nothing.
    /// </summary>
    public StopStringsResult Append(string newText, bool checkStops = true)
    {
        ArgumentNullException.ThrowIfNull(newText);
        if (Stopped)
        {
            return new StopStringsResult("", true, StopReason);
        }
        var oldLength = _text.Length;
        _text.Append(newText);
        if (_stops.Length == 0)
        {
            return new StopStringsResult(TakeUpTo(_text.Length), false, null);
        }
        if (checkStops && FindEarliest(oldLength) is var (start, stop) && stop is not null)
        {
            var cut = _includeInOutput ? start + stop.Length : start;
            _text.Length = cut;
            Stopped = true;
            StopReason = stop;
            return new StopStringsResult(TakeUpTo(cut), true, stop);
        }
        var safe = _includeInOutput ? _text.Length : HoldBackStart();
        return new StopStringsResult(TakeUpTo(safe), false, null);
    }

    /// <summary>The sequence finished for another reason: release the held-back text.</summary>
    public string Flush() => TakeUpTo(_text.Length);

    private (int Start, string? Stop) FindEarliest(int oldLength)
    {
        var text = _text.ToString();
        var bestStart = int.MaxValue;
        string? best = null;
        foreach (var stop in _stops)
        {
            var from = Math.Max(0, oldLength - stop.Length + 1);
            var at = text.IndexOf(stop, from, StringComparison.Ordinal);
            if (at >= 0 && (at < bestStart || (at == bestStart && stop.Length > best!.Length)))
            {
                bestStart = at;
                best = stop;
            }
        }
        return (bestStart, best);
    }

    /// <summary>The earliest position from which the rest of the text is a proper prefix of some stop string.</summary>
    private int HoldBackStart()
    {
        var length = _text.Length;
        for (var i = Math.Max(_emitted, length - _longest + 1); i < length; i++)
        {
            var tail = length - i;
            foreach (var stop in _stops)
            {
                if (tail < stop.Length && TailMatches(i, stop))
                {
                    return i;
                }
            }
        }
        return length;
    }

    private bool TailMatches(int start, string stop)
    {
        for (var k = start; k < _text.Length; k++)
        {
            if (_text[k] != stop[k - start])
            {
                return false;
            }
        }
        return true;
    }

    private string TakeUpTo(int end)
    {
        if (end <= _emitted)
        {
            return "";
        }
        var emit = _text.ToString(_emitted, end - _emitted);
        _emitted = end;
        return emit;
    }
}
