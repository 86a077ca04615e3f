// Benchmarks: each suite writes its results to bench/results/*.md with the machine, date and command.
Console.Error.WriteLine("usage: dotnet run -c Release --project bench -- <suite> [options]");
return 2;
