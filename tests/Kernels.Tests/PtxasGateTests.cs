using Kernels.Ptx;
using Kernels.SelfTest;

namespace Kernels.Tests;

/// <summary>The gate: every self-test kernel's PTX must assemble with ptxas for sm_80 and for sm_90.</summary>
public sealed class PtxasGateTests
{
    public static TheoryData<string, string> Kernels()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in KernelCatalog.All)
        {
            var name = $"{method.DeclaringType!.Name}.{method.Name}" + (method.IsGenericMethod ? "<" + string.Join(",", method.GetGenericArguments().Select(t => t.Name)) + ">" : "");
            data.Add(name, "sm_80");
            data.Add(name, "sm_90");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void PtxAssembles_WithPtxas(string kernel, string architecture)
    {
        var method = KernelCatalog.All.Single(m => $"{m.DeclaringType!.Name}.{m.Name}" + (m.IsGenericMethod ? "<" + string.Join(",", m.GetGenericArguments().Select(t => t.Name)) + ">" : "") == kernel);
        var compiled = KernelCompiler.Compile(method, architecture == "sm_90" ? PtxTarget.Sm90 : PtxTarget.Sm80);
        var (exitCode, output) = Ptxas.Assemble(compiled.Ptx, architecture);
        Assert.True(exitCode == 0, $"ptxas -arch={architecture} rejected {kernel}:\n{output}\n--- PTX ---\n{compiled.Ptx}");
    }
}
