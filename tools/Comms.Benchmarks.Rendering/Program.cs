using BenchmarkDotNet.Running;

// dotnet run -c Release --project tools/Comms.Benchmarks.Rendering -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Comms.Benchmarks.Rendering.RenderingBenchmarks).Assembly).Run(args);
