namespace Kernels.Ptx;

/// <summary>The PTX target: ISA version and SM architecture. sm_80 is the baseline (mma.bf16, ldmatrix, cvt.bf16).</summary>
public sealed record PtxTarget(string Architecture, string IsaVersion = "7.8")
{
    public static PtxTarget Sm80 { get; } = new("sm_80");

    public static PtxTarget Sm90 { get; } = new("sm_90");
}
