namespace Engine.Sampling;

/// <summary>
/// NO_REPEAT_NGRAM (id 8, §5.4): with h = prompt + output and key s = the last N−1 tokens, remove every
/// token that followed an earlier occurrence of s (N = 1: every token already in h). A hard constraint.
/// </summary>
internal static class NoRepeatNgram
{
    public static void Apply(Span<float> logits, TokenHistory h, int n)
    {
        var len = h.Length;
        if (n <= 0 || len < n)
        {
            return;
        }
        var keyStart = len - n + 1;
        // Positions j whose (N−1)-gram equals the key and whose follower h[j+N−1] exists (j + N − 1 < L).
        for (var j = 0; j + n - 1 < len; j++)
        {
            var match = true;
            for (var u = 0; u < n - 1; u++)
            {
                if (h[j + u] != h[keyStart + u])
                {
                    match = false;
                    break;
                }
            }
            if (match)
            {
                var t = h[j + n - 1];
                if ((uint)t < (uint)logits.Length)
                {
                    logits[t] = float.NegativeInfinity;
                }
            }
        }
    }
}
