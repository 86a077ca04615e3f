namespace Engine.Backends.Cpu;

/// <summary>cos[p, i] and sin[p, i] of p · inv_freq[i] (times the attention scale), computed in double and stored as float.</summary>
internal sealed class CpuRopeTable : IDeviceRopeTable
{
    public CpuRopeTable(ReadOnlySpan<double> invFreq, double attentionScale, int maxPositions)
    {
        MaxPositions = maxPositions;
        Half = invFreq.Length;
        Cos = new float[maxPositions * Half];
        Sin = new float[maxPositions * Half];
        for (var p = 0; p < maxPositions; p++)
        {
            for (var i = 0; i < Half; i++)
            {
                var angle = p * invFreq[i];
                Cos[p * Half + i] = (float)(Math.Cos(angle) * attentionScale);
                Sin[p * Half + i] = (float)(Math.Sin(angle) * attentionScale);
            }
        }
    }

    public int MaxPositions { get; }

    /// <summary>head_dim / 2.</summary>
    public int Half { get; }

    public float[] Cos { get; }

    public float[] Sin { get; }
}
