cidr  = "10.30.0.0/16"
zones = 3
