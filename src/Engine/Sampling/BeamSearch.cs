namespace Engine.Sampling;

/// <summary>Beam search (§8.5) as pure logic over a step callback; the engine supplies the model.</summary>
public static partial class BeamSearch
{
    /// <summary>
    /// Hugging Face / vLLM beam score: <c>cumulative_logprob / length^length_penalty</c>, where length is
    /// prompt + output tokens, not counting a final EOS.
    /// </summary>
    public static double Score(double cumulativeLogprob, int length, float lengthPenalty) =>
        cumulativeLogprob / Math.Pow(length, lengthPenalty);
}
