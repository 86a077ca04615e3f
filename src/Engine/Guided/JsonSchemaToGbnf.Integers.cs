using System.Globalization;
using System.Text.Json;

namespace Engine.Guided;

/// <summary>
/// Integer bounds (<c>minimum</c>, <c>maximum</c>, <c>exclusiveMinimum</c>, <c>exclusiveMaximum</c>) where an exact
/// grammar is small: a lower bound ≥ 0 alone (digit-by-digit "at least m", as llama.cpp builds it), or both bounds
/// within <see cref="MaxEnumeratedRange"/> of each other (the values listed). Other bounds are rejected.
/// </summary>
internal sealed partial class JsonSchemaToGbnf
{
    public const int MaxEnumeratedRange = 256;

    private static bool IsIntegerBound(string keyword) => keyword is "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum";

    private static bool IsIntegerSchema(JsonElement s) => s.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "integer";

    private string IntegerRule(JsonElement s, string path, string hint)
    {
        var min = Bound(s, "minimum", path, ceiling: true, 0);
        var exclusiveMin = Bound(s, "exclusiveMinimum", path, ceiling: false, 1);
        var max = Bound(s, "maximum", path, ceiling: false, 0);
        var exclusiveMax = Bound(s, "exclusiveMaximum", path, ceiling: true, -1);
        var lo = Max(min, exclusiveMin);
        var hi = Min(max, exclusiveMax);
        if (lo is null && hi is null)
        {
            return "json-integer";
        }
        if (lo is { } l && hi is { } h)
        {
            if (h < l)
            {
                throw new GrammarException($"The integer bounds at {path} admit no value.");
            }
            if (h - l <= MaxEnumeratedRange)
            {
                var values = new List<string>();
                for (var v = l; v <= h; v++)
                {
                    values.Add(GbnfText.Literal(v.ToString(CultureInfo.InvariantCulture)));
                }
                return _rules.Add(hint, string.Join(" | ", values));
            }
        }
        if (lo is { } low && hi is null && low >= 0)
        {
            return _rules.Add(hint, AtLeast(low.ToString(CultureInfo.InvariantCulture)));
        }
        throw new GrammarException(
            $"The integer bounds at {path} are not supported: guided decoding honours a lower bound ≥ 0 alone, or bounds at most {MaxEnumeratedRange} apart.");
    }

    // Integers ≥ m (m ≥ 0, no leading zeros): any with more digits, or the same number of digits that first exceeds m
    // at some position i (m's prefix, a larger digit, then anything), or m itself.
    private static string AtLeast(string m)
    {
        var n = m.Length;
        var alts = new List<string> { $"[1-9] [0-9]{{{n},}}", GbnfText.Literal(m) };
        for (var i = 0; i < n; i++)
        {
            var digit = m[i] - '0';
            if (digit == 9)
            {
                continue;
            }
            var prefix = i == 0 ? "" : GbnfText.Literal(m[..i]) + " ";
            var rest = n - i - 1 == 0 ? "" : $" [0-9]{{{n - i - 1}}}";
            alts.Add($"{prefix}[{digit + 1}-9]{rest}");
        }
        return string.Join(" | ", alts);
    }

    // The bound as an integer: inclusive bounds round inward (minimum up, maximum down); exclusive ones round outward,
    // then step one inward (exclusiveMinimum 2.5 or 2 → 3, exclusiveMaximum 2.5 or 3 → 2)
    private static long? Bound(JsonElement s, string name, string path, bool ceiling, int offset)
    {
        if (!s.TryGetProperty(name, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var d) || Math.Abs(d) > 1e15m)
        {
            throw new GrammarException($"'{name}' at {path} must be a number of magnitude below 1e15.");
        }
        var whole = ceiling ? decimal.Ceiling(d) : decimal.Floor(d);
        return (long)whole + offset;
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
}
