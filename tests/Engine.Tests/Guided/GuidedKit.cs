using System.Text;
using Engine.Guided;
using Engine.Sampling;
using Engine.Tokenization;
using Loader.Tokenizers;
using Tests.Common;

namespace Engine.Tests.Guided;

/// <summary>Helpers shared by the guided-decoding tests: run a grammar over text, and generate under the mask.</summary>
internal static class GuidedKit
{
    private static readonly Lazy<Tokenizer> AidreamsTokenizer = new(() =>
        Tokenizer.FromJson(Llama2cTokenizerJson.Build(File.ReadAllBytes(SharedFiles.PathOf("models", "aidreams260K", "tokenizer.bin")), 512)));

    /// <summary>aidreams260K's real 512-token SentencePiece vocabulary (byte fallback), EOS id 2.</summary>
    public static Tokenizer Aidreams => AidreamsTokenizer.Value;

    public static bool Matches(Grammar g, string text)
    {
        var m = new GrammarMatcher(g);
        return m.Advance(Encoding.UTF8.GetBytes(text)) && m.IsComplete;
    }

    public static bool IsLivePrefix(Grammar g, string text) => new GrammarMatcher(g).Advance(Encoding.UTF8.GetBytes(text));

    public static GuidedConstraint Constraint(SamplingParams p) => GuidedConstraint.Compile(p) ?? throw new InvalidOperationException("no constraint");

    /// <summary>A vocabulary of the given token texts (ids in order); null entries are special tokens.</summary>
    public static GuidedVocabulary Vocabulary(params string?[] tokens) =>
        GuidedVocabulary.FromTokenBytes([.. tokens.Select(t => t is null ? null : Encoding.UTF8.GetBytes(t))]);

    /// <summary>
    /// Generates under the mask with random logits (fixed seed) until EOS or <paramref name="maxSteps"/>: each step
    /// draws a logit row uniformly in [0, 1), adds <paramref name="bias"/> per token, applies the guided mask and
    /// takes the arg-max alive token. Returns the text (bytes of the chosen tokens) and whether EOS was reached.
    /// </summary>
    public static (string Text, bool Finished) Generate(GuidedConstraint c, GuidedVocabulary v, int eos, int seed, int maxSteps = 3000,
        Func<int, float>? bias = null)
    {
        var seq = new GuidedSequence(c, v, [eos]);
        var rng = new Random(seed);
        var logits = new float[v.Size];
        var bytes = new List<byte>();
        var output = new List<int>();
        for (var step = 0; step < maxSteps; step++)
        {
            for (var i = 0; i < logits.Length; i++)
            {
                logits[i] = (float)rng.NextDouble() + (bias?.Invoke(i) ?? 0f);
            }
            seq.Sync(output.ToArray());
            seq.ApplyMask(logits);
            var best = -1;
            for (var i = 0; i < logits.Length; i++)
            {
                if (!float.IsNegativeInfinity(logits[i]) && (best < 0 || logits[i] > logits[best]))
                {
                    best = i;
                }
            }
            Assert.True(best >= 0, $"no token alive after '{Encoding.UTF8.GetString([.. bytes])}' (tokens: {string.Join(" | ", output.Select(t => Encoding.UTF8.GetString(v.TokenBytes[t]!)))})");
            if (best == eos)
            {
                return (Encoding.UTF8.GetString([.. bytes]), true);
            }
            output.Add(best);
            bytes.AddRange(v.TokenBytes[best]!);
        }
        return (Encoding.UTF8.GetString([.. bytes]), false);
    }
}
