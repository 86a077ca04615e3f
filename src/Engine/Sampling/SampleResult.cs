namespace Engine.Sampling;

/// <summary>
/// The chosen token and its log-probability under the final distribution (§10), and how many entries of
/// the caller's top-logprob span were filled. <see cref="TokenId"/> is <see cref="SequenceSampler.NoToken"/>
/// when every token was removed (§3.7 rule 2: finish with "stop", no token appended).
/// </summary>
public readonly record struct SampleResult(int TokenId, float Logprob, int TopCount);
