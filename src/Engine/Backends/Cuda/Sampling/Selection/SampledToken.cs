namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// What one row's selection sends back to the host: the token (−1 when every token was removed, §3.7 rule 2), its
/// log-probability under the final distribution (−9999 for none), and Mirostat's μ after this step (the row's μ
/// unchanged when the row is not under Mirostat).
/// </summary>
public readonly record struct SampledToken(int Token, float Logprob, float MirostatMu);
