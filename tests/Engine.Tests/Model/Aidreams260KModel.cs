using ConvertTool.Llama2c;
using Engine.Model;
using Loader.Safetensors;
using Tests.Common;

namespace Engine.Tests.Model;

/// <summary>
/// shared/models/aidreams260K converted once per test run with <c>convert llama2c</c> (F32) into a temporary
/// HF directory, which is deleted when the process exits. Tests open it through <see cref="ModelCheckpoint"/>.
/// </summary>
internal static class Aidreams260KModel
{
    private static readonly Lazy<string> Converted = new(Convert);

    public static string Directory => Converted.Value;

    public static ModelCheckpoint Open() => ModelCheckpoint.Open(Directory);

    private static string Convert()
    {
        var output = Path.Combine(Path.GetTempPath(), $"engine-tests-aidreams260K-{Environment.ProcessId}");
        Llama2cConversion.Run(new Llama2cConversionOptions(
            SharedFiles.PathOf("models", "aidreams260K", "model.bin"),
            SharedFiles.PathOf("models", "aidreams260K", "tokenizer.bin"),
            output,
            SafetensorsDtype.F32));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(output, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return output;
    }
}
