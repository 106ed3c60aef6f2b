// Placeholder until the console client issue lands: prints how to reach the server.
Console.WriteLine("SignalRTicker console client: not yet implemented. See README.md.");
return 0;
