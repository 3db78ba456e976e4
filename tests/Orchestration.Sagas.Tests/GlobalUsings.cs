// The contracts are the vocabulary of every saga test.
global using Orchestration.Messages;
global using Orchestration.Messages.Billing;
global using Orchestration.Messages.Devices;
global using Orchestration.Messages.Leasing;
global using Orchestration.Messages.Notifications;
