sealed class P { static void Main(){} }
