using System.Numerics.Tensors;

namespace Engine.Sampling;

/// <summary>
/// QUADRATIC (id 12, §7.9): with m = max ℓ and d_i = ℓ_i − m, k = f(3 − c)/2, s = f(c − 1)/2:
/// ℓ_i ← m + s·d_i³ − k·d_i² (c = 1: m − f·d_i²). Removed tokens stay −∞.
/// </summary>
internal static class QuadraticSmoothing
{
    public static bool IsActive(float factor) => factor > 1e-5f;

    public static void Apply(Span<float> logits, float factor, float curve, SamplerWorkspace ws)
    {
        var m = TensorPrimitives.Max(logits);
        if (float.IsNegativeInfinity(m))
        {
            return;
        }
        var k = factor * (3f - curve) / 2f;
        var s = factor * (curve - 1f) / 2f;
        for (var i = 0; i < logits.Length; i++)
        {
            var l = logits[i];
            if (l > float.NegativeInfinity)
            {
                var d = l - m;
                logits[i] = m + s * d * d * d - k * d * d;
            }
        }
        ws.ProbsValid = false;
    }
}
