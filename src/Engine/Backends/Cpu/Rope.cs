namespace Engine.Backends.Cpu;

/// <summary>
/// Rotate-half RoPE (HF layout) of one head in place: element i pairs with i + head_dim/2,
/// v'[i] = v[i]·cos − v[i+h]·sin, v'[i+h] = v[i+h]·cos + v[i]·sin, angle = pos · inv_freq[i].
/// </summary>
internal static class Rope
{
    public static void Head(Span<float> head, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        var half = cos.Length;
        var lo = head[..half];
        var hi = head.Slice(half, half);
        for (var i = 0; i < half; i++)
        {
            float a = lo[i], b = hi[i], c = cos[i], s = sin[i];
            lo[i] = a * c - b * s;
            hi[i] = b * c + a * s;
        }
    }
}
