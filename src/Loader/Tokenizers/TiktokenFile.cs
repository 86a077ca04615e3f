namespace Loader.Tokenizers;

/// <summary>A tiktoken vocabulary file: one <c>base64(token bytes) rank</c> per line; the rank is the token id.</summary>
public static class TiktokenFile
{
    /// <summary>Each rank's token bytes. Throws <see cref="TokenizerFormatException"/> naming the line for a line
    /// that is not "base64 rank" or a rank given twice.</summary>
    public static IReadOnlyDictionary<int, byte[]> Read(string path)
    {
        var ranks = new Dictionary<int, byte[]>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
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
                throw new TokenizerFormatException($"{path}:{number}: expected \"base64-token rank\".");
            }
            if (!int.TryParse(line.AsSpan(space + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rank)
                || !ranks.TryAdd(rank, token))
            {
                throw new TokenizerFormatException($"{path}:{number}: rank '{line[(space + 1)..]}' is not a new non-negative integer.");
            }
        }
        return ranks;
    }
}
