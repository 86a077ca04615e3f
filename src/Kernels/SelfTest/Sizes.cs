using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>Specialisation constants used by the self-test kernels.</summary>
public readonly struct Size2 : IConst
{
    public static int Value => 2;
}

public readonly struct Size4 : IConst
{
    public static int Value => 4;
}

public readonly struct Size8 : IConst
{
    public static int Value => 8;
}

public readonly struct Size16 : IConst
{
    public static int Value => 16;
}

public readonly struct Size64 : IConst
{
    public static int Value => 64;
}

public readonly struct Size256 : IConst
{
    public static int Value => 256;
}
