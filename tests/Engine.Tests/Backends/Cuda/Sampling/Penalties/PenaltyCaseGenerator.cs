using Engine.Sampling;

namespace Engine.Tests.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// Random batches for the device-vs-CPU properties: histories over a small alphabet (so repetitions, n-gram keys
/// and DRY matches occur), logits with NaN, ±∞ and zeros among them, and each stage switched on at random with
/// parameters over their whole valid range (DRY exponents stay below the host's table length).
/// </summary>
internal static class PenaltyCaseGenerator
{
    private static readonly int[] Vocabs = [64, 96, 257, 512, 64, 130, 2048];

    public static PenaltyCase[] Batch(int seed)
    {
        var random = new Random(seed);
        var vocab = Vocabs[random.Next(Vocabs.Length)];
        if (vocab == 2048 && random.Next(3) != 0)
        {
            vocab = 200; // the widest rows are slow on the simulator: one batch in three keeps them
        }
        var rows = random.Next(1, 5);
        return [.. Enumerable.Range(0, rows).Select(_ => Case(random, vocab))];
    }

    private static PenaltyCase Case(Random random, int vocab)
    {
        var alphabet = Enumerable.Range(0, random.Next(2, 9)).Select(_ => random.Next(vocab)).Distinct().ToArray();
        int Token() => alphabet[random.Next(alphabet.Length)];
        int[] Tokens(int max) => [.. Enumerable.Range(0, random.Next(max + 1)).Select(_ => Token())];
        bool On() => random.Next(2) == 0;
        float Uniform(float lo, float hi) => lo + ((hi - lo) * random.NextSingle());

        var prompt = Tokens(30);
        var output = Tokens(30);
        var logits = new float[vocab];
        for (var i = 0; i < vocab; i++)
        {
            logits[i] = random.Next(40) switch
            {
                0 => float.NaN,
                1 => float.PositiveInfinity,
                2 => float.NegativeInfinity,
                3 => 0f,
                4 => float.MaxValue,
                _ => Uniform(-6f, 6f),
            };
        }
        var minTokens = On() ? random.Next(0, 40) : 0;
        var p = new SamplingParams
        {
            RepetitionPenalty = On() ? Uniform(0.3f, 3f) : 1f,
            FrequencyPenalty = On() ? Uniform(-2f, 2f) : 0f,
            PresencePenalty = On() ? Uniform(-2f, 2f) : 0f,
            NoRepeatNgramSize = On() ? random.Next(1, 5) : 0,
            DryMultiplier = On() ? Uniform(0.1f, 3f) : 0f,
            DryBase = Uniform(1.05f, 3f),
            DryAllowedLength = random.Next(0, 5),
            DryRange = On() ? random.Next(0, 25) : 0,
            DryMaxNgram = random.Next(0, 16),
            DryMaxOccurrences = random.Next(0, 10),
            DryEarlyExitMatchLen = random.Next(0, 12),
            DrySequenceBreakers = [],
            DrySequenceBreakerIds = On() ? [.. Enumerable.Range(0, random.Next(1, 3)).Select(_ => Token())] : [],
            LogitBias = On()
                ? Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(2) == 0 ? Token() : random.Next(vocab)).Distinct()
                    .ToDictionary(id => id, _ => Uniform(-100f, 100f))
                : new Dictionary<int, float>(),
            CustomTokenBans = On() ? [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(vocab))] : [],
            AllowedTokenIds = random.Next(4) == 0 ? [.. Enumerable.Range(0, random.Next(1, 20)).Select(_ => random.Next(2) == 0 ? Token() : random.Next(vocab))] : null,
            MinTokens = minTokens,
            MaxTokens = 100,
            StopTokenIds = minTokens > 0 ? [Token(), random.Next(vocab)] : [],
            BadWordTokens = On() ? [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => (IReadOnlyList<int>)[.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => Token())])] : [],
            SamplerPriority = random.Next(3) == 0 ? [.. Enum.GetValues<SamplerId>().OrderBy(_ => random.Next())] : [],
        };
        uint[]? guided = null;
        if (random.Next(4) == 0)
        {
            guided = new uint[(vocab + 31) / 32];
            for (var i = 0; i < vocab; i++)
            {
                if (random.Next(3) != 0 || Array.IndexOf(alphabet, i) >= 0)
                {
                    guided[i >> 5] |= 1u << (i & 31);
                }
            }
        }
        return new PenaltyCase(p, prompt, output, logits)
        {
            Eos = On() ? [Token()] : [],
            TokenizerVocabSize = random.Next(3) == 0 ? vocab - random.Next(1, 10) : null,
            Guided = guided,
        };
    }
}
