namespace Loader.Tokenizers;

/// <summary>A tiktoken vocabulary file: one <c>base64(token bytes) rank</c> per line; the rank is the token id.</summary>
public static class TiktokenFile
{
    /// <summary>cl100k_base's split regex (tiktoken's openai_public.py); Llama 3 uses the same one.</summary>
    public const string Cl100kPattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>o200k_base's split regex (case-aware letter classes).</summary>
    public const string O200kPattern = @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>A tiktoken file names no regex: o200k's for an o200k-sized vocabulary, else cl100k's.</summary>
    public static string PatternFor(int ranks) => ranks >= 199_000 ? O200kPattern : Cl100kPattern;

    /// <summary>Each rank's token bytes. Throws <see cref="TokenizerFormatException"/> naming the line for a line
    /// that is not "base64 rank" or a rank given twice.</summary>
    public static IReadOnlyDictionary<int, byte[]> Read(string path) => Parse(File.ReadAllBytes(path), path);

    /// <param name="source">The file name used in error messages.</param>
    public static IReadOnlyDictionary<int, byte[]> Parse(ReadOnlySpan<byte> file, string source)
    {
        var ranks = new Dictionary<int, byte[]>();
        var number = 0;
        foreach (var line in System.Text.Encoding.UTF8.GetString(file).Split('\n'))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            byte[] token;
            try
            {
                token = space > 0 ? System.Convert.FromBase64String(line[..space]) : throw new FormatException("no space");
            }
            catch (FormatException)
            {
                throw new TokenizerFormatException($"{source}:{number}: expected \"base64-token rank\".");
            }
            if (!int.TryParse(line.AsSpan(space + 1).TrimEnd('\r'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rank)
                || !ranks.TryAdd(rank, token))
            {
                throw new TokenizerFormatException($"{source}:{number}: rank '{line[(space + 1)..]}' is not a new non-negative integer.");
            }
        }
        return ranks;
    }
}
