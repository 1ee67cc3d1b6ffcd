/// Theano's `conv2d_grad_wrt_inputs`, the transposed convolution: the gradient of
/// `conv2d(x, filters, ...)` with respect to an `x` of shape `inputShape` (batch, channels, rows,
/// columns), for the gradient `output` of the convolution's output. `inputShape` says which input size
/// is meant where strides make several give one output size (doc/tutorial/conv_arithmetic.txt,
/// Relationship 13); its sizes may be numbers or integer scalars of the graph (`x.shape[0]`).
public func conv2dGradWrtInputs(_ output: TensorVariable, _ filters: TensorVariable, inputShape: [any TensorConvertible],
                                borderMode: BorderMode = .valid, subsample: (Int, Int) = (1, 1),
                                filterDilation: (Int, Int) = (1, 1), filterFlip: Bool = true) -> TensorVariable {
    precondition(inputShape.count == 4, "conv2dGradWrtInputs: inputShape needs 4 sizes (batch, channels, rows, columns), got \(inputShape.count)")
    precondition(output.ndim == 4 && filters.ndim == 4, "conv2dGradWrtInputs: needs a 4-d output gradient and 4-d filters, got \(output.type) and \(filters.type)")
    precondition(subsample.0 > 0 && subsample.1 > 0 && filterDilation.0 > 0 && filterDilation.1 > 0, "conv2dGradWrtInputs: subsample and dilation must be positive")
    let settings = ConvSettings(border: borderMode, subsample: subsample, dilation: filterDilation, flip: filterFlip)
    // The op reads only the shape of its third input.
    let shapeOnly = alloc(TensorConstant(NDArray(scalar: 0.0).astype(output.dtype)), shape: inputShape)
    return Conv2DGradInputs(settings: settings)(filters, output, shapeOnly)
}
