// Framework namespaces used throughout this project. XenPS.Core's own namespaces stay in each file, where the layering test reads them.
global using System;
global using System.Collections.Generic;
global using System.Globalization;
global using System.IO;
global using System.Linq;
global using System.Text;
global using System.Threading;
global using System.Threading.Tasks;
