using System.Globalization;
using System.Text;

namespace Engine.Tokenization;

/// <summary>Unicode normalization forms NFC, NFD, NFKC and NFKD implemented from an embedded table
/// (UnicodeData/normalization.txt), because the engine runs with InvariantGlobalization where
/// <c>string.Normalize</c> has no ICU behind it.</summary>
/// <remarks>The algorithm of UAX #15: full (recursive) decomposition, canonical ordering of combining marks by
/// combining class (stable), then canonical composition of a starter with each following unblocked mark;
/// Hangul syllables are decomposed and composed arithmetically.</remarks>
internal static class UnicodeNormalizer
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Dictionary<int, byte> CombiningClass = [];
    private static readonly Dictionary<int, int[]> Canonical = [];
    private static readonly Dictionary<int, int[]> Compatibility = [];
    private static readonly Dictionary<long, int> Composites = [];
    private static readonly HashSet<int> SecondOfPair = [];

    // Quick check per BMP code unit, one bit per form (1 << (int)FormIndex): set when the character may change
    // under that form or combine with its neighbour, so a string with no flagged character is already normalized.
    private static readonly byte[] MaybeChanges = new byte[0x10000];

    static UnicodeNormalizer()
    {
        using var stream = typeof(UnicodeNormalizer).Assembly.GetManifestResourceStream("Engine.Tokenization.normalization.txt")
            ?? throw new InvalidOperationException("The embedded Unicode normalization table is missing from Engine.Runtime.dll.");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var parts = line.Split(' ');
            var cp = int.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            switch (line[0])
            {
                case 'C':
                    CombiningClass[cp] = byte.Parse(parts[2], CultureInfo.InvariantCulture);
                    break;
                case 'D':
                    Canonical[cp] = Sequence(parts);
                    break;
                case 'K':
                    Compatibility[cp] = Sequence(parts);
                    break;
                case 'P':
                    var second = int.Parse(parts[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    Composites[Key(cp, second)] = int.Parse(parts[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    SecondOfPair.Add(second);
                    break;
            }
        }
        for (var c = 0; c < 0x10000; c++)
        {
            MaybeChanges[c] = (byte)ComputeFlags(c);
        }
    }

    private static int FormBit(NormalizationForm form) => form switch
    {
        NormalizationForm.FormC => 1,
        NormalizationForm.FormD => 2,
        NormalizationForm.FormKC => 4,
        _ => 8,
    };

    private static int ComputeAstralFlags(int cp) =>
        ClassOf(cp) != 0 || Canonical.ContainsKey(cp) || Compatibility.ContainsKey(cp) || SecondOfPair.Contains(cp) ? 0xF : 0;

    private static int ComputeFlags(int cp)
    {
        if (cp is >= 0xD800 and <= 0xDFFF)
        {
            return 0xF;
        }
        var combining = ClassOf(cp) != 0;
        var hangulJamo = cp is >= VBase and < VBase + VCount or > TBase and < TBase + TCount;
        var hangulSyllable = cp is >= SBase and < SBase + SCount;
        var decomposes = Canonical.ContainsKey(cp) || hangulSyllable;
        var compatDecomposes = decomposes || Compatibility.ContainsKey(cp);
        var composes = combining || hangulJamo || SecondOfPair.Contains(cp);
        var flags = 0;
        if (composes || (decomposes && !hangulSyllable && !IsPrimaryComposite(cp)))
        {
            flags |= 1;
        }
        if (combining || decomposes)
        {
            flags |= 2;
        }
        if (composes || (decomposes && !hangulSyllable && !IsPrimaryComposite(cp)) || Compatibility.ContainsKey(cp))
        {
            flags |= 4;
        }
        if (combining || compatDecomposes)
        {
            flags |= 8;
        }
        return flags;
    }

    /// <summary>Whether NFC keeps this precomposed character (it recomposes from its own decomposition).</summary>
    private static bool IsPrimaryComposite(int cp)
    {
        var cps = new List<int>();
        Decompose(cp, false, cps);
        ReorderMarks(cps);
        Compose(cps);
        return cps.Count == 1 && cps[0] == cp;
    }

    private static bool IsNormalized(string text, NormalizationForm form)
    {
        var bit = FormBit(form);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((MaybeChanges[c] & bit) == 0)
            {
                continue;
            }
            // Astral code points (emoji, most of them) are looked up by value; a lone surrogate is left as is.
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if ((ComputeAstralFlags(char.ConvertToUtf32(c, text[++i])) & bit) == 0)
                {
                    continue;
                }
            }
            return false;
        }
        return true;
    }

    public static string Normalize(string text, NormalizationForm form)
    {
        if (IsNormalized(text, form))
        {
            return text;
        }
        var compatibility = form is NormalizationForm.FormKC or NormalizationForm.FormKD;
        var compose = form is NormalizationForm.FormC or NormalizationForm.FormKC;
        var cps = new List<int>(text.Length + 8);
        foreach (var rune in text.EnumerateRunes())
        {
            Decompose(rune.Value, compatibility, cps);
        }
        ReorderMarks(cps);
        if (compose)
        {
            Compose(cps);
        }
        var builder = new StringBuilder(cps.Count + 8);
        foreach (var cp in cps)
        {
            builder.Append(char.ConvertFromUtf32(cp));
        }
        return builder.ToString();
    }

    private static void Decompose(int cp, bool compatibility, List<int> output)
    {
        if (cp is >= SBase and < SBase + SCount)
        {
            var s = cp - SBase;
            output.Add(LBase + s / NCount);
            output.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0)
            {
                output.Add(TBase + s % TCount);
            }
            return;
        }
        if ((compatibility && Compatibility.TryGetValue(cp, out var sequence)) || Canonical.TryGetValue(cp, out sequence))
        {
            output.AddRange(sequence);
            return;
        }
        output.Add(cp);
    }

    private static int ClassOf(int cp) => CombiningClass.TryGetValue(cp, out var ccc) ? ccc : 0;

    /// <summary>Canonical ordering: a stable insertion sort by combining class inside each run of non-starters.</summary>
    private static void ReorderMarks(List<int> cps)
    {
        for (var i = 1; i < cps.Count; i++)
        {
            var ccc = ClassOf(cps[i]);
            if (ccc == 0)
            {
                continue;
            }
            var j = i;
            var cp = cps[i];
            while (j > 0 && ClassOf(cps[j - 1]) > ccc)
            {
                cps[j] = cps[j - 1];
                j--;
            }
            cps[j] = cp;
        }
    }

    /// <summary>Canonical composition: each character combines with the last starter unless a character between
    /// them has a combining class of zero or at least its own.</summary>
    private static void Compose(List<int> cps)
    {
        var starter = -1;
        var lastClass = 0;
        var write = 0;
        for (var read = 0; read < cps.Count; read++)
        {
            var cp = cps[read];
            var ccc = ClassOf(cp);
            if (starter >= 0)
            {
                var adjacent = write == starter + 1;
                if ((adjacent || (lastClass != 0 && lastClass < ccc)) && TryCompose(cps[starter], cp, out var composite))
                {
                    cps[starter] = composite;
                    continue;
                }
            }
            if (ccc == 0)
            {
                starter = write;
            }
            lastClass = ccc;
            cps[write++] = cp;
        }
        cps.RemoveRange(write, cps.Count - write);
    }

    private static bool TryCompose(int first, int second, out int composite)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            composite = SBase + ((first - LBase) * VCount + (second - VBase)) * TCount;
            return true;
        }
        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            composite = first + (second - TBase);
            return true;
        }
        return Composites.TryGetValue(Key(first, second), out composite);
    }

    private static long Key(int a, int b) => ((long)a << 21) | (uint)b;

    private static int[] Sequence(string[] parts)
    {
        var result = new int[parts.Length - 2];
        for (var i = 2; i < parts.Length; i++)
        {
            result[i - 2] = int.Parse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        return result;
    }
}
