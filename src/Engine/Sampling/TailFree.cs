namespace Engine.Sampling;

/// <summary>
/// TFS (id 3, §7.5), aph-0.6 exactly: over the whole vocabulary sorted by p descending (removed tokens
/// are zeros at the end), d_j = |q_j − 2q_{j+1} + q_{j+2}|, D = normalised cumulative d; position j+1 is
/// removed iff D_j &gt; z, position 1 never, position V always; Σd = 0 removes only position V; V &lt; 3 → no-op.
/// Terms past the alive tokens are zero, so only the alive head is sorted.
/// </summary>
internal static class TailFree
{
    public static bool IsActive(float z) => z < 1f - 1e-5f;

    public static void Apply(Span<float> logits, float z, SamplerWorkspace ws)
    {
        var v = logits.Length;
        if (v < 3)
        {
            return;
        }
        var probs = ws.ProbabilitiesOf(logits);
        var keys = ws.Keys.AsSpan();
        var alive = DescendingOrder.SortAll(logits, probs, keys, ws.SortScratch);
        if (alive == 0)
        {
            return;
        }
        // q at 1-based sorted position j (zero past the alive tokens).
        var terms = Math.Min(alive, v - 2);
        var total = 0.0;
        for (var j = 1; j <= terms; j++)
        {
            total += Math.Abs((double)Q(probs, keys, alive, j) - 2.0 * Q(probs, keys, alive, j + 1) + Q(probs, keys, alive, j + 2));
        }
        var removed = false;
        if (total > 0)
        {
            var cumulative = 0.0;
            for (var j = 1; j <= terms && j + 1 <= alive; j++)
            {
                cumulative += Math.Abs((double)Q(probs, keys, alive, j) - 2.0 * Q(probs, keys, alive, j + 1) + Q(probs, keys, alive, j + 2)) / total;
                if (cumulative > z)
                {
                    logits[DescendingOrder.IdOf(keys[j])] = float.NegativeInfinity;
                    removed = true;
                }
            }
        }
        if (alive == v)
        {
            logits[DescendingOrder.IdOf(keys[v - 1])] = float.NegativeInfinity;
            removed = true;
        }
        if (removed)
        {
            ws.ProbsValid = false;
        }
    }

    private static float Q(ReadOnlySpan<float> probs, ReadOnlySpan<ulong> keys, int alive, int j) =>
        j <= alive ? probs[DescendingOrder.IdOf(keys[j - 1])] : 0f;
}
