namespace ConvertTool.Llama2c;

/// <summary>
/// Reorders the rows of llama2.c's wq / wk so Hugging Face's rotate-half RoPE computes what llama2.c's
/// interleaved-pair RoPE computed. llama2.c rotates pairs (2i, 2i+1) of each head; rotate-half pairs
/// (i, i + hs/2). So within each head the even rows go first, then the odd rows:
/// <c>hf_row[h*hs + r*(hs/2) + i] = llama2c_row[h*hs + 2*i + r]</c>, r ∈ {0, 1} (HF's <c>permute</c>).
/// </summary>
public static class RotaryPermutation
{
    /// <summary>
    /// Permutes a row-major <c>[heads*headSize, cols]</c> matrix from llama2.c to HF row order.
    /// <paramref name="headSize"/> must be even.
    /// </summary>
    public static void ToRotateHalf(ReadOnlySpan<float> source, Span<float> destination, int heads, int headSize, int cols) =>
        Permute(source, destination, heads, headSize, cols, toRotateHalf: true);

    /// <summary>
    /// The inverse of <see cref="ToRotateHalf"/>: HF rotate-half row order back to interleaved pairs
    /// (<c>row[h*hs + 2*i + r] = hf_row[h*hs + r*(hs/2) + i]</c>), the order llama.cpp's <c>llama</c> RoPE expects.
    /// </summary>
    public static void ToInterleaved(ReadOnlySpan<float> source, Span<float> destination, int heads, int headSize, int cols) =>
        Permute(source, destination, heads, headSize, cols, toRotateHalf: false);

    private static void Permute(ReadOnlySpan<float> source, Span<float> destination, int heads, int headSize, int cols, bool toRotateHalf)
    {
        if (headSize % 2 != 0)
        {
            throw new ArgumentException($"head size {headSize} is odd; RoPE needs pairs", nameof(headSize));
        }
        var rows = heads * headSize;
        if (source.Length != (long)rows * cols || destination.Length != source.Length)
        {
            throw new ArgumentException($"expected {rows}x{cols} floats, got {source.Length} in and {destination.Length} out");
        }
        var half = headSize / 2;
        for (var h = 0; h < heads; h++)
        {
            for (var r = 0; r < 2; r++)
            {
                for (var i = 0; i < half; i++)
                {
                    var interleaved = (h * headSize) + (2 * i) + r;
                    var rotateHalf = (h * headSize) + (r * half) + i;
                    var (from, to) = toRotateHalf ? (interleaved, rotateHalf) : (rotateHalf, interleaved);
                    source.Slice(from * cols, cols).CopyTo(destination.Slice(to * cols, cols));
                }
            }
        }
    }
}
