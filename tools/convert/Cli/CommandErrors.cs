using Loader.Adapters;
using Loader.Config;
using Loader.Llama2c;
using Loader.Safetensors;
using Loader.Tokenizers;
using Spectre.Console;

namespace ConvertTool.Cli;

/// <summary>Turns the loader's input errors into one red line and exit code 1; anything else is a bug and propagates.</summary>
internal static class CommandErrors
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is Llama2cFormatException or SafetensorsFormatException or ModelConfigException or TokenizerFormatException
                                      or LoraFormatException
                                      or FileNotFoundException or DirectoryNotFoundException or ArgumentException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
    }
}
