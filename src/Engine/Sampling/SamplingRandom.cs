namespace Engine.Sampling;

/// <summary>
/// The counter-based uniform generator of samplers.md §3.8: a pure function of (seed, choice, step,
/// purpose), so a seeded sequence draws the same numbers whatever the batch, device or thread count.
/// </summary>
public static class SamplingRandom
{
    /// <summary>Purpose 1: the XTC coin (§7.10).</summary>
    public const int XtcPurpose = 1;

    /// <summary>Purpose 2: the token draw, Mirostat's included (§8.1, §7.12).</summary>
    public const int DrawPurpose = 2;

    // the choice's multiplier in Uniform's mixing
    private const ulong ChoiceMix = 0x9E3779B97F4A7C15UL;

    /// <summary>
    /// The seed whose choice 0 draws exactly what (<paramref name="seed"/>, <paramref name="choice"/>) draws:
    /// <c>seed ⊕ K·(choice+1) ⊕ K</c>, since Uniform mixes the choice in by XOR. It is the seed a choice
    /// reports, so a single-choice request with it reproduces that choice (ReplaySeed(s, 0) = s).
    /// </summary>
    public static long ReplaySeed(long seed, int choice) =>
        unchecked((long)((ulong)seed ^ (ChoiceMix * (ulong)(choice + 1L)) ^ ChoiceMix));

    /// <summary>
    /// <c>u(seed, choice, step, purpose)</c>: splitmix64-style mixing of the four counters, then the top
    /// 24 bits scaled by 2^−24, a float32-exact value in [0, 1). All products are mod 2^64.
    /// </summary>
    public static float Uniform(long seed, int choice, int step, int purpose)
    {
        var x = unchecked((ulong)seed);
        x ^= unchecked(ChoiceMix * (ulong)(choice + 1L));
        x ^= unchecked(0xBF58476D1CE4E5B9UL * (ulong)(step + 1L));
        x ^= unchecked(0x94D049BB133111EBUL * (ulong)purpose);
        var z = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (z >> 40) * (1f / 16777216f);
    }
}
