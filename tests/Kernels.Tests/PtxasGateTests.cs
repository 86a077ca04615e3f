using Kernels.Ptx;
using Kernels.SelfTest;

namespace Kernels.Tests;

/// <summary>The gate: every test kernel's PTX (the self-test suite and the executor probes) must assemble with ptxas for sm_80 and sm_90.</summary>
public sealed class PtxasGateTests
{
    private static readonly System.Reflection.MethodInfo[] GateKernels =
    [
        .. KernelCatalog.All,
        .. typeof(ExecutorKernels).GetMethods().Where(m => m.IsDefined(typeof(Language.KernelAttribute), false)),
    ];

    private static string NameOf(System.Reflection.MethodInfo m) =>
        $"{m.DeclaringType!.Name}.{m.Name}" + (m.IsGenericMethod ? "<" + string.Join(",", m.GetGenericArguments().Select(t => t.Name)) + ">" : "");

    public static TheoryData<string, string> Kernels()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in GateKernels)
        {
            data.Add(NameOf(method), "sm_80");
            data.Add(NameOf(method), "sm_90");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void PtxAssembles_WithPtxas(string kernel, string architecture)
    {
        var method = GateKernels.Single(m => NameOf(m) == kernel);
        var compiled = KernelCompiler.Compile(method, architecture == "sm_90" ? PtxTarget.Sm90 : PtxTarget.Sm80);
        var (exitCode, output) = Ptxas.Assemble(compiled.Ptx, architecture);
        Assert.True(exitCode == 0, $"ptxas -arch={architecture} rejected {kernel}:\n{output}\n--- PTX ---\n{compiled.Ptx}");
    }
}
