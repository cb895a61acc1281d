// Screen and reducer tests for the workbench live here.
