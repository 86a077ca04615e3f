namespace Kernels.Language;

/// <summary>Four floats in registers: one 128-bit vector load or an m16n8 accumulator fragment.</summary>
public struct Float4(float x, float y, float z, float w)
{
    public float X = x;
    public float Y = y;
    public float Z = z;
    public float W = w;
}
